// LeaseRepository: named leases with fencing epochs, the one primitive the nodes of a cluster
// coordinate through (docs/cluster.md "Leases and fencing"). A lease is a row (kind, name) ->
// holder, epoch, expiry. Acquire takes a lease that is free, released or expired, and renews one
// the caller already holds; the epoch goes up by one every time the holder changes, and only
// then. Renew and Release succeed only for the holder at the epoch it was given.
//
// Time comes from the Clock given (the application's clock, not the database's): expiries are
// written as holder's now + duration and compared with the reader's now, so nodes' clocks must
// agree (NTP) within a bound much smaller than a lease. A skew of d ms makes a lease look d ms
// shorter or longer to another node; it never lets two holders write: safety comes from the
// epoch, not the clock. A holder that was paused past its expiry may still believe it holds the
// lease, so every write made on behalf of a lease must be fenced: run it in a transaction that
// first calls CheckFence(tx, key, holder, epoch), which locks the lease row (PostgreSQL: FOR
// SHARE, so a takeover waits for the write or the write sees the takeover; SQLite: one writer at
// a time) and fails with LeaseLost when the epoch moved:
//
//   db.InTransaction([&](SqlSession& tx) -> Status {
//     LIVEREC_RETURN_IF_ERROR(leases.CheckFence(tx, key, holder, epoch));
//     return ...the write, through tx...;
//   });
//
// Keep fenced transactions short: on PostgreSQL one that idles kLockIdleTimeoutMs between its
// statements loses its connection (and rolls back).
// A lease whose holder let it lapse but that nobody took yet still passes the fence for that
// holder and epoch: whoever takes it over moves the epoch in a transaction that serializes with
// the fenced write, so no write of the old epoch can land after the takeover.
// Thread-safety: any thread (the SqlDatabase serializes).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

// What a lease is on: a kind ("node", later "stream", "relay") and a name within it.
struct LeaseKey {
  std::string kind;
  std::string name;
};

struct Lease {
  LeaseKey key;
  std::string holder;  // "" = free (never taken, or released)
  int64_t epoch = 0;   // 0 = never held; +1 at every change of holder
  int64_t expires_at_ms = 0;
  int64_t acquired_at_ms = 0;  // when the current holder took it
  int64_t renewed_at_ms = 0;   // the last acquire or renewal

  // Held by someone at `now_ms` (by the reader's clock).
  bool Live(int64_t now_ms) const { return !holder.empty() && now_ms < expires_at_ms; }
};

// What a write made on behalf of a lease carries: the lease, its holder and the epoch the holder
// was given. Repositories whose writes take an optional `const Fence*` run each such write in a
// transaction that first checks it (CheckFence below); null: unfenced (a single node).
struct Fence {
  LeaseKey key;
  std::string holder;
  int64_t epoch = 0;
};

// Inside `tx` (a transaction of a database whose Dialect() is `dialect`): OK when `fence.holder`
// holds the lease at `fence.epoch`, with the row locked until the transaction ends; LeaseLost
// otherwise. LeaseRepository::CheckFence is the same check.
Status CheckFence(SqlSession& tx, std::string_view dialect, const Fence& fence);

// Runs `write` on `db` itself when `fence` is null, else in one transaction of `db` that first
// checks the fence: the way repositories fence their writes.
Status FencedWrite(SqlDatabase& db, const Fence* fence,
                   const std::function<Status(SqlSession&)>& write);

class LeaseRepository {
 public:
  // PostgreSQL: a transaction that locked a lease row (Acquire, Renew, Release, CheckFence) and
  // then waits this long for its client (a process paused mid-transaction) is ended by the
  // server, releasing the row: a paused holder cannot block a takeover for longer.
  static constexpr int64_t kLockIdleTimeoutMs = 1000;

  LeaseRepository(SqlDatabase& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Takes the lease for `holder` until now + duration_ms: when it is free, released or expired
  // (a new holder: epoch + 1), or held by `holder` already (the same epoch, extended). LeaseHeld
  // when another holder's lease is live; its detail names the holder and the expiry.
  // `replaces`, when not empty, names a holder known to be gone (an earlier run of the same
  // process that crashed: the caller has proof, such as a lock only one process can hold): its
  // lease is taken over at once, even while live, at the next epoch.
  Result<Lease> Acquire(const LeaseKey& key, const std::string& holder, int64_t duration_ms,
                        const std::string& replaces = "");
  // Extends the lease to now + duration_ms if `holder` still holds it at `epoch` (even past its
  // expiry, as long as nobody took it over). LeaseLost otherwise, saying who holds it now.
  Result<Lease> Renew(const LeaseKey& key, const std::string& holder, int64_t epoch,
                      int64_t duration_ms);
  // Frees the lease if `holder` holds it at `epoch`, so another may take it at once (the epoch
  // stays; the next holder moves it). False when it was not held so (nothing changed).
  Result<bool> Release(const LeaseKey& key, const std::string& holder, int64_t epoch);
  // Extends every lease of `kind` that `holder` holds (at any epoch, even lapsed, as long as
  // nobody took it over) to now + duration_ms, in one statement: a node renews all its leases of
  // a kind at each heartbeat. Returns the names renewed; a lease the caller believes it holds and
  // that is not among them was taken over or released.
  Result<std::vector<std::string>> RenewAllOf(const std::string& kind, const std::string& holder,
                                              int64_t duration_ms);
  Result<std::optional<Lease>> Get(const LeaseKey& key);
  // Every lease of `kind`, by name.
  Result<std::vector<Lease>> List(const std::string& kind);

  // Inside `tx` (a transaction of this repository's database): OK when `holder` holds the lease
  // at `epoch`, with the row locked until the transaction ends; LeaseLost otherwise. See above.
  Status CheckFence(SqlSession& tx, const LeaseKey& key, const std::string& holder,
                    int64_t epoch) const {
    return metadata::CheckFence(tx, db_.Dialect(), Fence{key, holder, epoch});
  }

 private:
  Status EnsureRow(const LeaseKey& key);

  SqlDatabase& db_;
  const Clock& clock_;
};

// "node/n1 held by h1 at epoch 3 until 2026-...": for details and logs.
std::string DescribeLease(const Lease& lease);

}  // namespace liverec::metadata
