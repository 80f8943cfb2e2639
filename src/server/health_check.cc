#include "server/health_check.h"

#include <spdlog/spdlog.h>

namespace liverec::server {

Status HealthCheck::Check() const {
  if (stopping_.load()) return Status(ErrorCode::kServiceUnavailable, "", "shutting down");
  auto rows = db_.Query("SELECT 1 FROM schema_migrations LIMIT 1");
  if (!rows) {
    spdlog::warn("healthz: the database does not answer: {}", rows.error().ToString());
    return Status(ErrorCode::kServiceUnavailable, "", "database does not answer");
  }
  if (rows->empty()) {
    return Status(ErrorCode::kServiceUnavailable, "", "database has no schema");
  }
  if (membership_ != nullptr) LIVEREC_RETURN_IF_ERROR(membership_->Health());
  return CheckSpool();
}

Status HealthCheck::CheckSpool() const {
  if (spool_ == nullptr) return Status::Ok();
  if (auto trouble = spool_->health().Trouble(clock_.NowMs())) {
    return Status(ErrorCode::kServiceUnavailable, "", "spool " + *trouble);
  }
  auto free = recorder::SpoolFreeBytes(spool_->root());
  if (!free) {
    spdlog::warn("healthz: {}", free.error().ToString());
    return Status(ErrorCode::kServiceUnavailable, "", "spool cannot be read");
  }
  if (*free < kMinSpoolFreeBytes) {
    return Status(ErrorCode::kServiceUnavailable, "",
                  "spool disk full: " + std::to_string(*free / 1024) + " KiB free");
  }
  return Status::Ok();
}

}  // namespace liverec::server
