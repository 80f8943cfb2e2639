// NonceRepository: the signature nonces accepted by every node of an installation, so that a
// request replayed to another node is refused too (api::DatabaseNonceStore; docs/api/README.md
// "Signatures", docs/operations.md "Replay protection on PostgreSQL").
//
// A row per accepted nonce (signature_nonces: an opaque key the caller derives from the
// AccessKeyId and the nonce, and the minute of the request's timestamp). Remember is one
// statement: `INSERT ... ON CONFLICT` whose changed-row count says new (1) or replayed (0), so
// any number of nodes racing on one nonce give exactly one acceptance. A row whose minute is
// before MinuteStart(now - window) is expired: a replay of its request fails the timestamp check
// anyway, so Remember reuses it and Prune deletes it.
//
// Bound: Prune (a periodic job) keeps at most `cap` rows as of its run. When more are live it
// drops the oldest minutes (keeping the newest) and raises the floor (signature_nonce_floor) to
// the end of the last one dropped: from then on Remember refuses requests stamped before the floor
// (kBeforeFloor), so a dropped nonce is never accepted again. Remember reads the floor row FOR
// SHARE on PostgreSQL, so a prune that raises it and a replay of a nonce it deletes cannot
// interleave. Between runs the table grows by what the nodes accept meanwhile. Prune is safe on
// two nodes at once (one serializable transaction) but meant to run on one at a time: the server
// runs it as a one-node job (cluster::kNoncePruneJob).
// Thread-safety: any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "metadata/sql_database.h"

namespace liverec::metadata {

enum class NonceVerdict {
  kNew,          // remembered now: accept the request
  kReplayed,     // a live row has this key: SignatureNonceUsed
  kBeforeFloor,  // stamped before the floor: IllegalTimestamp
};

struct NoncePruneResult {
  int64_t deleted = 0;  // rows deleted (expired, and below a raised floor)
  int64_t live = 0;     // rows left
  std::optional<int64_t> raised_floor_ms;
};

class NonceRepository {
 public:
  NonceRepository(SqlDatabase& db, int64_t window_ms) : db_(db), window_ms_(window_ms) {}

  // Makes the floor row if it is missing (Remember also does, when it finds none).
  Status Prepare();
  // Remembers `key` for a request stamped `request_ms`, unless a live row has it or the request
  // is before the floor. One statement; a second only when refused, to tell why.
  Result<NonceVerdict> Remember(std::string_view key, int64_t request_ms, int64_t now_ms);
  // Deletes the expired rows and enforces `cap` as described above.
  Result<NoncePruneResult> Prune(int64_t now_ms, int64_t cap);

  Result<int64_t> CountForTest();
  Result<int64_t> FloorMsForTest();

 private:
  Result<int64_t> InsertOnce(std::string_view key, int64_t request_ms, int64_t now_ms);
  Result<std::optional<int64_t>> FloorMs();

  SqlDatabase& db_;
  const int64_t window_ms_;
};

// The start of the minute `ms` is in (floor division, also before 1970).
int64_t NonceMinuteStart(int64_t ms);

}  // namespace liverec::metadata
