// ReplayProtection: the API's NonceStore, chosen by the metadata backend, and its upkeep
// (docs/operations.md "Replay protection").
//
// - SQLite (one node per database): MemoryNonceStore of `capacity` nonces; no write per request.
// - PostgreSQL (the nodes of a cluster share it): DatabaseNonceStore over NonceRepository, with a
//   local layer of kLocalNonces; the server calls Prune every kPruneInterval, which deletes the
//   expired rows and keeps the table near `capacity` rows (the floor), on one node at a time
//   (cluster::kNoncePruneJob: a node whose round finds another pruning skips it).
// Thread-safety: store() from any thread; Prune from one thread at a time (the server's timer).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "api/nonce_store.h"
#include "base/clock.h"
#include "metadata/nonce_repository.h"
#include "metadata/sql_database.h"

namespace liverec::server {

class ReplayProtection {
 public:
  static constexpr size_t kLocalNonces = 100'000;
  static constexpr std::chrono::seconds kPruneInterval{15};

  // `db` must outlive the object.
  static Result<std::unique_ptr<ReplayProtection>> Make(metadata::SqlDatabase& db,
                                                        int64_t window_ms, size_t capacity);

  api::NonceStore& store() { return *store_; }
  // Whether the store is the database's (and Prune has work to do).
  bool shared() const { return repository_ != nullptr; }
  // One round of upkeep (shared stores only), logged when it deletes or raises the floor.
  void Prune(int64_t now_ms);

 private:
  ReplayProtection() = default;

  metadata::SqlDatabase* db_ = nullptr;
  std::unique_ptr<metadata::NonceRepository> repository_;  // shared stores only
  std::unique_ptr<api::NonceStore> store_;
  int64_t capacity_ = 0;
};

}  // namespace liverec::server
