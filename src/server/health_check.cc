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
  return Status::Ok();
}

}  // namespace liverec::server
