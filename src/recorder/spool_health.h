// SpoolHealth: whether the spool can take slices, for /healthz (docs/operations.md). Writers
// report each failed write (a full disk, a read-only or failing device) and each slice closed
// whole; the spool is in trouble while its latest failure is less than kWindowMs old and no
// write succeeded after it. SpoolFreeBytes reads how much room the spool's file system has
// left, so a full disk shows even when no stream is being recorded. AdmitWarning keeps the
// warnings of a failing spool, which every stream meets at once, to one line per kind and
// kWarningWindowMs, followed by a count of those held back.
// Thread-safety: any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/log_rate_limiter.h"
#include "base/status.h"

namespace liverec::recorder {

class SpoolHealth {
 public:
  static constexpr int64_t kWindowMs = 60'000;
  static constexpr int64_t kWarningWindowMs = 10'000;

  void WriteFailed(int64_t now_ms, std::string reason);
  void WriteSucceeded(int64_t now_ms);
  // "cannot write: <reason of the latest failure>", or nothing when the spool is healthy.
  std::optional<std::string> Trouble(int64_t now_ms) const;
  // Whether a warning of kind `source` (e.g. "write", "sidecar") may be logged now; logs how many
  // were held back once a window has passed.
  bool AdmitWarning(std::string_view source, int64_t now_ms);

 private:
  mutable std::mutex mutex_;
  std::optional<int64_t> last_failure_ms_;
  int64_t last_success_ms_ = 0;
  std::string reason_;
  LogRateLimiter warnings_{
      {.lines_per_window = 1, .window_ms = kWarningWindowMs, .max_sources = 8}};
};

// The bytes an unprivileged writer may still use on the file system holding `dir` (statvfs).
Result<int64_t> SpoolFreeBytes(const std::string& dir);

}  // namespace liverec::recorder
