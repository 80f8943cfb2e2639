// LogRateLimiter: keeps a flood of log lines from one source from drowning the log. Each source
// may log at most `lines_per_window` lines per window (fixed windows, started by the source's
// first line after the last one ended); further lines are counted, not logged, and when the
// window has ended the count comes back as a Note ("K more lines were suppressed"), with the
// most severe level among them, at the next Admit of any source.
// Time comes from the caller (a Clock's milliseconds); a clock that steps back starts a new window.
// Thread-safety: none; the caller serialises (LibavLogBridge holds a mutex).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/common.h>

namespace liverec {

struct LogRateLimits {
  int64_t lines_per_window = 10;
  int64_t window_ms = 1000;
  size_t max_sources = 256;  // beyond this, new sources share one budget ("(other sources)")
};

class LogRateLimiter {
 public:
  struct Note {
    std::string source;
    int64_t suppressed = 0;
    spdlog::level::level_enum level = spdlog::level::info;  // the most severe suppressed
  };

  explicit LogRateLimiter(LogRateLimits limits = {}) : limits_(limits) {}

  // Whether a line of `source` at `level` may be logged at `now_ms`. Appends to `notes` one Note
  // per source whose window has ended with lines suppressed (each reported once).
  bool Admit(std::string_view source, spdlog::level::level_enum level, int64_t now_ms,
             std::vector<Note>& notes);

 private:
  struct Window {
    int64_t start_ms = 0;
    int64_t lines = 0;
    int64_t suppressed = 0;
    spdlog::level::level_enum level = spdlog::level::trace;
  };

  void CollectNotes(int64_t now_ms, std::vector<Note>& notes);
  bool Ended(const Window& window, int64_t now_ms) const {
    return now_ms >= window.start_ms + limits_.window_ms || now_ms < window.start_ms;
  }

  LogRateLimits limits_;
  std::map<std::string, Window, std::less<>> windows_;
};

}  // namespace liverec
