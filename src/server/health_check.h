// HealthCheck: what /healthz answers (docs/operations.md). Healthy when the server is not
// shutting down, the database answers a trivial query (a read of schema_migrations, so the
// file is reached, not only the connection) and the spool can take slices: no write into it
// failed in the last minute without a later one succeeding (SpoolHealth), and its file system
// has at least kMinSpoolFreeBytes free; and, on a cluster node (PostgreSQL), the node holds its
// membership lease (cluster::Membership::Health). Otherwise ServiceUnavailable with a short
// reason.
// A database busy with a long transaction delays the answer until it is done.
// Thread-safety: Check from any thread.
#pragma once

#include <atomic>

#include "base/clock.h"
#include "base/status.h"
#include "cluster/membership.h"
#include "metadata/sql_database.h"
#include "recorder/spool.h"

namespace liverec::server {

class HealthCheck {
 public:
  static constexpr int64_t kMinSpoolFreeBytes = 1 << 20;

  // `spool` and `membership` may be null (not checked; no membership on SQLite).
  HealthCheck(metadata::SqlDatabase& db, const std::atomic<bool>& stopping,
              const recorder::Spool* spool, const Clock& clock,
              const cluster::Membership* membership = nullptr)
      : db_(db), stopping_(stopping), spool_(spool), clock_(clock), membership_(membership) {}

  // OK, or ServiceUnavailable whose detail says why ("shutting down", "database ...",
  // "cluster: node lease lost: ...", "spool cannot write: No space left on device", "spool disk
  // full: 12 KiB free").
  Status Check() const;

 private:
  Status CheckSpool() const;

  metadata::SqlDatabase& db_;
  const std::atomic<bool>& stopping_;
  const recorder::Spool* spool_;
  const Clock& clock_;
  const cluster::Membership* membership_;
};

}  // namespace liverec::server
