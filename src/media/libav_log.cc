#include "media/libav_log.h"

#include <atomic>
#include <string>
#include <vector>

extern "C" {
#include <libavutil/log.h>
}

namespace liverec::media {
namespace {

// The bridge libav's callback forwards to (libav's callback takes no user data).
std::atomic<LibavLogBridge*> installed{nullptr};

// The innermost ScopedLibavLogWatch of this thread.
thread_local ScopedLibavLogWatch* current_watch = nullptr;

void Callback(void* context, int level, const char* format, va_list args) {
  NotifyLibavLogWatch(context, format);
  if (LibavLogBridge* bridge = installed.load(std::memory_order_acquire)) {
    bridge->Log(context, level, format, args);
  } else {
    av_log_default_callback(context, level, format, args);
  }
}

// A line being assembled from fragments on this thread.
struct PendingLine {
  std::string text;
  std::string source;
  spdlog::level::level_enum level = spdlog::level::trace;
  int print_prefix = 1;  // av_log_format_line2's state: 1 after a complete line
};

constexpr size_t kMaxLine = 4096;  // a line without its newline is logged at this length

std::string SourceOf(void* context) {
  if (context == nullptr) return "libav";
  const AVClass* av_class = *static_cast<const AVClass* const*>(context);
  if (av_class == nullptr) return "libav";
  const char* name = av_class->item_name ? av_class->item_name(context) : av_class->class_name;
  return name ? name : "libav";
}

}  // namespace

void NotifyLibavLogWatch(void* context, const char* format) {
  if (current_watch != nullptr && format != nullptr) current_watch->watcher_(context, format);
}

ScopedLibavLogWatch::ScopedLibavLogWatch(Watcher watcher)
    : watcher_(std::move(watcher)), outer_(current_watch) {
  current_watch = this;
  av_log_set_callback(Callback);
}

ScopedLibavLogWatch::~ScopedLibavLogWatch() { current_watch = outer_; }

spdlog::level::level_enum SpdlogLevelOfLibav(int av_level) {
  int level = av_level & 0xff;
  if (av_level < 0) return spdlog::level::off;  // AV_LOG_QUIET
  if (level <= AV_LOG_FATAL) return spdlog::level::critical;
  if (level <= AV_LOG_ERROR) return spdlog::level::err;
  if (level <= AV_LOG_WARNING) return spdlog::level::warn;
  if (level <= AV_LOG_VERBOSE) return spdlog::level::debug;
  return spdlog::level::trace;
}

LibavLogBridge::LibavLogBridge(std::shared_ptr<spdlog::logger> logger, const Clock& clock,
                               LogRateLimits limits)
    : logger_(std::move(logger)), clock_(clock), limits_(limits), limiter_(limits) {
  installed.store(this, std::memory_order_release);
  av_log_set_callback(Callback);
}

LibavLogBridge::~LibavLogBridge() {
  LibavLogBridge* self = this;
  if (installed.compare_exchange_strong(self, nullptr)) {
    av_log_set_callback(av_log_default_callback);
  }
}

void LibavLogBridge::Log(void* context, int av_level, const char* format, va_list args) {
  spdlog::level::level_enum level = SpdlogLevelOfLibav(av_level);
  if (level == spdlog::level::off || !logger_->should_log(level)) return;
  thread_local PendingLine pending;
  if (pending.text.empty()) {
    pending.source = SourceOf(context);
    pending.level = level;
  }
  if (level > pending.level) pending.level = level;
  char buffer[1024];
  va_list copy;
  va_copy(copy, args);
  av_log_format_line2(context, av_level, format, copy, buffer, sizeof(buffer),
                      &pending.print_prefix);
  va_end(copy);
  pending.text += buffer;
  if (!pending.print_prefix && pending.text.size() < kMaxLine) return;  // more to come
  while (!pending.text.empty() && (pending.text.back() == '\n' || pending.text.back() == '\r')) {
    pending.text.pop_back();
  }
  std::string line = std::move(pending.text);
  pending.text.clear();
  pending.print_prefix = 1;
  if (!line.empty()) Emit(pending.source, pending.level, line);
}

void LibavLogBridge::Emit(const std::string& source, spdlog::level::level_enum level,
                          const std::string& line) {
  std::vector<LogRateLimiter::Note> notes;
  bool admitted;
  {
    std::lock_guard lock(mutex_);
    admitted = limiter_.Admit(source, level, clock_.NowMs(), notes);
  }
  for (const auto& note : notes) {
    logger_->log(note.level,
                 "{} more lines from [{}] suppressed (at most {} per {} ms from one source)",
                 note.suppressed, note.source, limits_.lines_per_window, limits_.window_ms);
  }
  if (admitted) logger_->log(level, "{}", line);
}

}  // namespace liverec::media
