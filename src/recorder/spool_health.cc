#include "recorder/spool_health.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <spdlog/spdlog.h>

namespace liverec::recorder {

void SpoolHealth::WriteFailed(int64_t now_ms, std::string reason) {
  std::lock_guard lock(mutex_);
  last_failure_ms_ = now_ms;
  reason_ = std::move(reason);
}

void SpoolHealth::WriteSucceeded(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  last_success_ms_ = std::max(last_success_ms_, now_ms);
}

std::optional<std::string> SpoolHealth::Trouble(int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  if (!last_failure_ms_ || *last_failure_ms_ < last_success_ms_) return std::nullopt;
  if (now_ms - *last_failure_ms_ >= kWindowMs) return std::nullopt;
  return "cannot write: " + reason_;
}

bool SpoolHealth::AdmitWarning(std::string_view source, int64_t now_ms) {
  std::vector<LogRateLimiter::Note> notes;
  bool admitted;
  {
    std::lock_guard lock(mutex_);
    admitted = warnings_.Admit(source, spdlog::level::warn, now_ms, notes);
  }
  for (const auto& note : notes) {
    spdlog::warn("spool: {} more warning(s) of the kind \"{}\" held back in the last {} s",
                 note.suppressed, note.source, kWarningWindowMs / 1000);
  }
  return admitted;
}

Result<int64_t> SpoolFreeBytes(const std::string& dir) {
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) {
    return Error(ErrorCode::kStorageFailure, {}, dir + ": statvfs: " + std::strerror(errno));
  }
  return static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize);
}

}  // namespace liverec::recorder
