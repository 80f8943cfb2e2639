#include "server/replay_protection.h"

#include <spdlog/spdlog.h>

#include "api/database_nonce_store.h"
#include "api/memory_nonce_store.h"
#include "cluster/one_node_job.h"

namespace liverec::server {

Result<std::unique_ptr<ReplayProtection>> ReplayProtection::Make(metadata::SqlDatabase& db,
                                                                 int64_t window_ms,
                                                                 size_t capacity) {
  std::unique_ptr<ReplayProtection> made(new ReplayProtection());
  made->db_ = &db;
  made->capacity_ = static_cast<int64_t>(capacity);
  if (db.Dialect() != "postgres") {
    made->store_ = std::make_unique<api::MemoryNonceStore>(capacity, window_ms);
    return made;
  }
  made->repository_ = std::make_unique<metadata::NonceRepository>(db, window_ms);
  LIVEREC_RETURN_IF_ERROR(made->repository_->Prepare());
  made->store_ = std::make_unique<api::DatabaseNonceStore>(
      *made->repository_, std::min(capacity, kLocalNonces), window_ms);
  return made;
}

void ReplayProtection::Prune(int64_t now_ms) {
  if (!repository_) return;
  Result<metadata::NoncePruneResult> pruned = metadata::NoncePruneResult{};
  auto ran = cluster::RunOnOneNode(*db_, cluster::kNoncePruneJob, [&]() -> Status {
    pruned = repository_->Prune(now_ms, capacity_);
    return pruned ? Status::Ok() : pruned.error();
  });
  if (!ran) {
    spdlog::warn("replay protection: pruning signature nonces: {}", ran.error().ToString());
    return;
  }
  if (!*ran) return;
  if (pruned->raised_floor_ms) {
    spdlog::warn(
        "replay protection: more than {} signature nonces in the window; requests stamped "
        "before {} ms are refused (IllegalTimestamp)",
        capacity_, *pruned->raised_floor_ms);
  }
  if (pruned->deleted > 0) {
    spdlog::debug("replay protection: deleted {} signature nonces, {} left", pruned->deleted,
                  pruned->live);
  }
}

}  // namespace liverec::server
