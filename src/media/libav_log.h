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
#include <functional>
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

// ScopedLibavLogWatch: while one lives, its watcher is called on the thread that made it with
// the context and the format string of every av_log call libav makes on that thread, before any
// filtering, and before the line goes on to the bridge (or, with no bridge, to libav's default
// callback). It is for code that must act on a step libav only logs (relay/worker/av_source.cc
// refuses an RTSP redirect so). Constructing one installs this file's callback as libav's (a
// bridge's destructor puts libav's default back; watches made later install it again).
// Watches nest: the innermost one is called. Thread-safety: a watch belongs to its thread.
class ScopedLibavLogWatch;

// What this file's libav callback does first with each av_log call: calls the thread's
// innermost watch, if any.
void NotifyLibavLogWatch(void* context, const char* format);

class ScopedLibavLogWatch {
 public:
  using Watcher = std::function<void(void* context, const char* format)>;
  explicit ScopedLibavLogWatch(Watcher watcher);
  ~ScopedLibavLogWatch();
  ScopedLibavLogWatch(const ScopedLibavLogWatch&) = delete;
  ScopedLibavLogWatch& operator=(const ScopedLibavLogWatch&) = delete;

 private:
  friend void NotifyLibavLogWatch(void* context, const char* format);
  Watcher watcher_;
  ScopedLibavLogWatch* outer_;
};

}  // namespace liverec::media
