// HealthCheck: what /healthz answers (docs/operations.md). Healthy when the server is not
// shutting down and the database answers a trivial query (a read of schema_migrations, so the
// file is reached, not only the connection); otherwise ServiceUnavailable with a short reason.
// A database busy with a long transaction delays the answer until it is done.
// Thread-safety: Check from any thread.
#pragma once

#include <atomic>

#include "base/status.h"
#include "metadata/sql_database.h"

namespace liverec::server {

class HealthCheck {
 public:
  HealthCheck(metadata::SqlDatabase& db, const std::atomic<bool>& stopping)
      : db_(db), stopping_(stopping) {}

  // OK, or ServiceUnavailable whose detail says why ("shutting down", "database: ...").
  Status Check() const;

 private:
  metadata::SqlDatabase& db_;
  const std::atomic<bool>& stopping_;
};

}  // namespace liverec::server
