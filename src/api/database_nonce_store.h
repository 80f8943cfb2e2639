// DatabaseNonceStore: the NonceStore of a cluster: every node's accepted nonces live in the shared
// database (metadata::NonceRepository), so a request accepted by one node and replayed to another
// is refused (SignatureNonceUsed), also when both arrive at once: the database's uniqueness
// constraint decides, and exactly one is accepted.
//
// Each check is one statement, a round trip to the database (a second one only for a refusal, to
// tell a replay from a request before the floor). In front of it, a local layer remembers the
// nonces this node accepted (up to `local_capacity`, oldest minutes dropped first, for the same
// window): a replay to this node is refused without a round trip. The local layer only ever
// refuses what the database would refuse too; the database is the authority. When the database
// cannot answer, the request fails with its error (ServiceUnavailable) and nothing is remembered,
// so a retry with the same nonce may succeed. Bound and floor: see NonceRepository; Prune is the
// composition root's periodic job.
// Thread-safety: CheckAndRemember may be called from any thread.
#pragma once

#include <cstdint>
#include <mutex>

#include "api/nonce_minutes.h"
#include "api/nonce_store.h"
#include "metadata/nonce_repository.h"

namespace liverec::api {

class DatabaseNonceStore final : public NonceStore {
 public:
  // `nonces` must outlive the store and use the same window.
  DatabaseNonceStore(metadata::NonceRepository& nonces, size_t local_capacity, int64_t window_ms)
      : nonces_(nonces), local_capacity_(local_capacity), window_ms_(window_ms) {}

  Status CheckAndRemember(std::string_view access_key_id, std::string_view nonce,
                          int64_t request_ms, int64_t now_ms) override;

  size_t LocalSizeForTest() const;

 private:
  bool SeenHere(uint64_t hash, int64_t now_ms);

  metadata::NonceRepository& nonces_;
  const size_t local_capacity_;
  const int64_t window_ms_;
  mutable std::mutex mutex_;
  NonceMinutes local_;
};

}  // namespace liverec::api
