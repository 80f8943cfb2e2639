// LibavLogBridge: libav's log (FFmpeg's libraries write lines such as
// "[mp4 @ 0x55d0...] Starting second pass: moving the moov atom" straight to stderr by default)
// routed through an spdlog logger instead, so that every line on stderr has the server's format,
// text or JSON ([log] format; docs/operations.md "Logs").
//
// Each line is formatted as libav's own callback would (av_log_format_line2: the "[item @ ptr]"
// prefix and the message), without its newline; fragments of one line (libav logs some lines in
// pieces) are joined per thread first. Levels are mapped by SpdlogLevelOfLibav, and lines below
// the logger's level are dropped before they are formatted. Each source (the item name, e.g.
// "mp4", "h264") may log at most LogRateLimits::lines_per_window lines a window; the rest are
// counted and reported in one line ("... N more lines from [mp4] suppressed").
//
// libav has one process-wide log callback, which takes no user data: the bridge installed last
// receives every line; its destructor restores libav's default callback.
// Thread-safety: libav calls the callback from any thread; Log may be called concurrently.
#pragma once

#include <cstdarg>
#include <memory>
#include <mutex>

#include <spdlog/logger.h>

#include "base/clock.h"
#include "base/log_rate_limiter.h"

namespace liverec::media {

// AV_LOG_PANIC/FATAL -> critical, ERROR -> err, WARNING -> warn, INFO and VERBOSE -> debug
// (libav's "info" lines are its internal steps, e.g. the MP4 muxer's second pass), DEBUG and
// TRACE -> trace, QUIET -> off. Bits above the level (AV_LOG_C colours) are ignored.
spdlog::level::level_enum SpdlogLevelOfLibav(int av_level);

class LibavLogBridge {
 public:
  // Installs the bridge as libav's log callback. `logger` and `clock` must outlive it.
  LibavLogBridge(std::shared_ptr<spdlog::logger> logger, const Clock& clock,
                 LogRateLimits limits = {});
  ~LibavLogBridge();
  LibavLogBridge(const LibavLogBridge&) = delete;
  LibavLogBridge& operator=(const LibavLogBridge&) = delete;

  // What the callback does with one av_log call.
  void Log(void* context, int av_level, const char* format, va_list args);

 private:
  void Emit(const std::string& source, spdlog::level::level_enum level, const std::string& line);

  std::shared_ptr<spdlog::logger> logger_;
  const Clock& clock_;
  const LogRateLimits limits_;
  std::mutex mutex_;  // guards limiter_
  LogRateLimiter limiter_;
};

}  // namespace liverec::media
