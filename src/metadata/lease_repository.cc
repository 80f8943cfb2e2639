#include "metadata/lease_repository.h"

#include <fmt/format.h>

#include "base/time_format.h"

namespace liverec::metadata {
namespace {

constexpr std::string_view kSelect =
    "SELECT kind, name, holder, epoch, expires_at_ms, acquired_at_ms, renewed_at_ms FROM leases";

Lease FromRow(const SqlRow& r) {
  Lease lease;
  lease.key = {AsText(r[0]), AsText(r[1])};
  lease.holder = AsText(r[2]);
  lease.epoch = AsInt(r[3]);
  lease.expires_at_ms = AsInt(r[4]);
  lease.acquired_at_ms = AsInt(r[5]);
  lease.renewed_at_ms = AsInt(r[6]);
  return lease;
}

std::string KeyName(const LeaseKey& key) { return key.kind + "/" + key.name; }

Status Write(SqlSession& tx, const Lease& lease) {
  auto changed = tx.Execute(
      "UPDATE leases SET holder = ?, epoch = ?, expires_at_ms = ?, acquired_at_ms = ?, "
      "renewed_at_ms = ? WHERE kind = ? AND name = ?",
      {lease.holder, lease.epoch, lease.expires_at_ms, lease.acquired_at_ms, lease.renewed_at_ms,
       lease.key.kind, lease.key.name});
  if (!changed) return changed.error();
  return Status::Ok();
}

// Why `holder` at `epoch` no longer holds the lease, `now` being what the row says.
Status Lost(const LeaseKey& key, const std::string& holder, int64_t epoch,
            const std::optional<Lease>& now) {
  std::string detail = fmt::format("{}: {} held it at epoch {}; ", KeyName(key), holder, epoch);
  if (!now) return Status(ErrorCode::kLeaseLost, "", detail + "the lease does not exist");
  if (now->holder.empty()) {
    return Status(ErrorCode::kLeaseLost, "",
                  detail + fmt::format("it was released (epoch {})", now->epoch));
  }
  return Status(ErrorCode::kLeaseLost, "", detail + "now " + DescribeLease(*now));
}

bool HeldAt(const std::optional<Lease>& lease, const std::string& holder, int64_t epoch) {
  return lease && lease->holder == holder && lease->epoch == epoch;
}

// The lease row read in `tx`, locked for update (PostgreSQL) when `for_update`, else shared.
Result<std::optional<Lease>> ReadLocked(SqlSession& tx, std::string_view dialect,
                                        const LeaseKey& key, bool for_update) {
  // SQLite has no row locks and needs none: its transactions take the one write lock.
  bool postgres = dialect == "postgres";
  std::string_view lock = !postgres ? "" : for_update ? " FOR UPDATE" : " FOR SHARE";
  if (postgres) {
    // A holder paused inside this transaction must not hold the lease row, and so a takeover,
    // for longer than this: the server ends its session once it idles that long.
    auto set = tx.Query("SELECT set_config('idle_in_transaction_session_timeout', ?, true)",
                        {std::to_string(LeaseRepository::kLockIdleTimeoutMs)});
    if (!set) return Error(set.error());
  }
  auto rows = tx.Query(fmt::format("{} WHERE kind = ? AND name = ?{}", kSelect, lock),
                       {key.kind, key.name});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<Lease>();
  return std::optional<Lease>(FromRow(rows->front()));
}

}  // namespace

Status CheckFence(SqlSession& tx, std::string_view dialect, const Fence& fence) {
  auto row = ReadLocked(tx, dialect, fence.key, /*for_update=*/false);
  if (!row) return row.error();
  if (!HeldAt(*row, fence.holder, fence.epoch)) {
    return Lost(fence.key, fence.holder, fence.epoch, *row);
  }
  return Status::Ok();
}

Status FencedWrite(SqlDatabase& db, const Fence* fence,
                   const std::function<Status(SqlSession&)>& write) {
  if (!fence) return write(db);
  return db.InTransaction([&](SqlSession& tx) -> Status {
    LIVEREC_RETURN_IF_ERROR(CheckFence(tx, db.Dialect(), *fence));
    return write(tx);
  });
}

std::string DescribeLease(const Lease& lease) {
  if (lease.holder.empty())
    return fmt::format("{} free (epoch {})", KeyName(lease.key), lease.epoch);
  return fmt::format("{} held by {} at epoch {} until {}", KeyName(lease.key), lease.holder,
                     lease.epoch, FormatIsoUtc(lease.expires_at_ms));
}

Status LeaseRepository::EnsureRow(const LeaseKey& key) {
  auto inserted = db_.Execute(
      "INSERT INTO leases (kind, name, holder, epoch, expires_at_ms, acquired_at_ms, "
      "renewed_at_ms) VALUES (?, ?, '', 0, 0, 0, 0) ON CONFLICT (kind, name) DO NOTHING",
      {key.kind, key.name});
  if (!inserted) return inserted.error();
  return Status::Ok();
}

Result<Lease> LeaseRepository::Acquire(const LeaseKey& key, const std::string& holder,
                                       int64_t duration_ms, const std::string& replaces) {
  if (holder.empty()) return Error(ErrorCode::kInternalError, "", "a lease holder is never empty");
  LIVEREC_RETURN_IF_ERROR(EnsureRow(key));
  Lease taken;
  Status status = db_.InTransaction([&](SqlSession& tx) -> Status {
    auto row = ReadLocked(tx, db_.Dialect(), key, /*for_update=*/true);
    if (!row) return row.error();
    if (!*row) return Status(ErrorCode::kInternalError, "", KeyName(key) + ": no lease row");
    Lease lease = **row;
    int64_t now = clock_.NowMs();
    if (lease.holder != holder) {
      bool gone = !replaces.empty() && lease.holder == replaces;
      if (lease.Live(now) && !gone) return Status(ErrorCode::kLeaseHeld, "", DescribeLease(lease));
      lease.holder = holder;
      lease.epoch += 1;
      lease.acquired_at_ms = now;
    }
    lease.expires_at_ms = now + duration_ms;
    lease.renewed_at_ms = now;
    LIVEREC_RETURN_IF_ERROR(Write(tx, lease));
    taken = lease;
    return Status::Ok();
  });
  if (!status.ok()) return Error(status);
  return taken;
}

Result<Lease> LeaseRepository::Renew(const LeaseKey& key, const std::string& holder, int64_t epoch,
                                     int64_t duration_ms) {
  Lease renewed;
  Status status = db_.InTransaction([&](SqlSession& tx) -> Status {
    auto row = ReadLocked(tx, db_.Dialect(), key, /*for_update=*/true);
    if (!row) return row.error();
    if (!HeldAt(*row, holder, epoch)) return Lost(key, holder, epoch, *row);
    Lease lease = **row;
    lease.renewed_at_ms = clock_.NowMs();
    lease.expires_at_ms = lease.renewed_at_ms + duration_ms;
    LIVEREC_RETURN_IF_ERROR(Write(tx, lease));
    renewed = lease;
    return Status::Ok();
  });
  if (!status.ok()) return Error(status);
  return renewed;
}

Result<bool> LeaseRepository::Release(const LeaseKey& key, const std::string& holder,
                                      int64_t epoch) {
  bool released = false;
  Status status = db_.InTransaction([&](SqlSession& tx) -> Status {
    released = false;
    auto row = ReadLocked(tx, db_.Dialect(), key, /*for_update=*/true);
    if (!row) return row.error();
    if (!HeldAt(*row, holder, epoch)) return Status::Ok();
    Lease lease = **row;
    lease.holder.clear();
    lease.expires_at_ms = 0;
    LIVEREC_RETURN_IF_ERROR(Write(tx, lease));
    released = true;
    return Status::Ok();
  });
  if (!status.ok()) return Error(status);
  return released;
}

Result<std::vector<std::string>> LeaseRepository::RenewAllOf(const std::string& kind,
                                                             const std::string& holder,
                                                             int64_t duration_ms) {
  if (holder.empty()) return std::vector<std::string>();
  int64_t now = clock_.NowMs();
  // One statement: each row it updates is locked as Renew's would be, so a takeover racing with
  // it either comes first (the row no longer names the holder) or waits and sees the renewal.
  auto rows = db_.Query(
      "UPDATE leases SET expires_at_ms = ?, renewed_at_ms = ? WHERE kind = ? AND holder = ? "
      "RETURNING name",
      {now + duration_ms, now, kind, holder});
  if (!rows) return Error(rows.error());
  std::vector<std::string> names;
  names.reserve(rows->size());
  for (const auto& row : *rows) names.push_back(AsText(row[0]));
  return names;
}

Result<std::optional<Lease>> LeaseRepository::Get(const LeaseKey& key) {
  auto rows =
      db_.Query(fmt::format("{} WHERE kind = ? AND name = ?", kSelect), {key.kind, key.name});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<Lease>();
  return std::optional<Lease>(FromRow(rows->front()));
}

Result<std::vector<Lease>> LeaseRepository::List(const std::string& kind) {
  auto rows = db_.Query(fmt::format("{} WHERE kind = ? ORDER BY name", kSelect), {kind});
  if (!rows) return Error(rows.error());
  std::vector<Lease> leases;
  for (const auto& row : *rows) leases.push_back(FromRow(row));
  return leases;
}

}  // namespace liverec::metadata
