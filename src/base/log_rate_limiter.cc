#include "base/log_rate_limiter.h"

namespace liverec {

void LogRateLimiter::CollectNotes(int64_t now_ms, std::vector<Note>& notes) {
  for (auto it = windows_.begin(); it != windows_.end();) {
    Window& window = it->second;
    if (!Ended(window, now_ms)) {
      ++it;
      continue;
    }
    if (window.suppressed > 0) notes.push_back(Note{it->first, window.suppressed, window.level});
    it = windows_.erase(it);  // the source's next line starts a new window
  }
}

bool LogRateLimiter::Admit(std::string_view source, spdlog::level::level_enum level, int64_t now_ms,
                           std::vector<Note>& notes) {
  CollectNotes(now_ms, notes);
  auto it = windows_.find(source);
  if (it == windows_.end()) {
    std::string key(source);
    if (windows_.size() >= limits_.max_sources) key = "(other sources)";
    it = windows_.try_emplace(std::move(key), Window{now_ms, 0, 0, spdlog::level::trace}).first;
  }
  Window& window = it->second;
  if (window.lines < limits_.lines_per_window) {
    ++window.lines;
    return true;
  }
  ++window.suppressed;
  if (level > window.level) window.level = level;
  return false;
}

}  // namespace liverec
