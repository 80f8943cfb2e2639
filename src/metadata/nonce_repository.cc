#include "metadata/nonce_repository.h"

#include <algorithm>
#include <climits>
#include <utility>
#include <vector>

namespace liverec::metadata {
namespace {

constexpr int64_t kMinuteMs = 60'000;

// The floor row is read FOR SHARE on PostgreSQL: a prune raising the floor waits for the
// statements that read the old one, and a statement that waited on the prune reads the new one.
// SQLite has one writer at a time. The SELECT has a WHERE clause, which SQLite needs to parse
// ON CONFLICT after a SELECT.
constexpr std::string_view kInsertSelect =
    "INSERT INTO signature_nonces (nonce_hash, minute_ms) "
    "SELECT CAST(? AS TEXT), CAST(? AS BIGINT) FROM signature_nonce_floor "
    "WHERE id = 1 AND floor_ms <= ?";
constexpr std::string_view kOnConflict =
    " ON CONFLICT (nonce_hash) DO UPDATE SET minute_ms = excluded.minute_ms "
    "WHERE signature_nonces.minute_ms < ?";

// Newest minute first: the first minute (not the newest) at which the running total passes
// `cap` is dropped with every older one. Returns the new floor, if any.
std::optional<int64_t> FloorForCap(const std::vector<std::pair<int64_t, int64_t>>& newest_first,
                                   int64_t cap, int64_t& kept) {
  kept = 0;
  for (size_t i = 0; i < newest_first.size(); ++i) {
    const auto& [minute, count] = newest_first[i];
    if (i > 0 && kept + count > cap) return minute + kMinuteMs;
    kept += count;
  }
  return std::nullopt;
}

}  // namespace

int64_t NonceMinuteStart(int64_t ms) {
  int64_t minute = ms >= 0 ? ms / kMinuteMs : (ms - kMinuteMs + 1) / kMinuteMs;
  return minute * kMinuteMs;
}

Status NonceRepository::Prepare() {
  auto made = db_.Execute(
      "INSERT INTO signature_nonce_floor (id, floor_ms) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
      {int64_t{INT64_MIN}});
  return made ? Status::Ok() : made.error();
}

Result<int64_t> NonceRepository::InsertOnce(std::string_view key, int64_t request_ms,
                                            int64_t now_ms) {
  static const std::string kSqlite = std::string(kInsertSelect) + std::string(kOnConflict);
  static const std::string kPostgres =
      std::string(kInsertSelect) + " FOR SHARE" + std::string(kOnConflict);
  int64_t expired_before = NonceMinuteStart(now_ms - window_ms_);
  return db_.Execute(db_.Dialect() == "postgres" ? kPostgres : kSqlite,
                     {std::string(key), NonceMinuteStart(request_ms), request_ms, expired_before});
}

Result<std::optional<int64_t>> NonceRepository::FloorMs() {
  auto rows = db_.Query("SELECT floor_ms FROM signature_nonce_floor WHERE id = 1");
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(AsInt(rows->front().at(0)));
}

Result<NonceVerdict> NonceRepository::Remember(std::string_view key, int64_t request_ms,
                                               int64_t now_ms) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto changed = InsertOnce(key, request_ms, now_ms);
    if (!changed) return Error(changed.error());
    if (*changed > 0) return NonceVerdict::kNew;
    auto floor = FloorMs();
    if (!floor) return Error(floor.error());
    if (*floor) return request_ms < **floor ? NonceVerdict::kBeforeFloor : NonceVerdict::kReplayed;
    LIVEREC_RETURN_IF_ERROR(Prepare());  // no floor row yet: make it and insert again
  }
  return Error(ErrorCode::kInternalError, "", "signature_nonce_floor has no row");
}

Result<NoncePruneResult> NonceRepository::Prune(int64_t now_ms, int64_t cap) {
  LIVEREC_RETURN_IF_ERROR(Prepare());
  NoncePruneResult result;
  int64_t expired_before = NonceMinuteStart(now_ms - window_ms_);
  Status status = db_.InTransaction([&](SqlSession& session) -> Status {
    result = NoncePruneResult{};
    auto minutes = session.Query(
        "SELECT minute_ms, COUNT(*) FROM signature_nonces WHERE minute_ms >= ? "
        "GROUP BY minute_ms ORDER BY minute_ms DESC",
        {expired_before});
    if (!minutes) return minutes.error();
    std::vector<std::pair<int64_t, int64_t>> counts;
    for (const auto& row : *minutes) counts.emplace_back(AsInt(row.at(0)), AsInt(row.at(1)));
    int64_t delete_before = expired_before;
    result.raised_floor_ms = FloorForCap(counts, cap, result.live);
    if (result.raised_floor_ms) {
      auto raised = session.Execute(
          "UPDATE signature_nonce_floor SET floor_ms = ? WHERE id = 1 AND floor_ms < ?",
          {*result.raised_floor_ms, *result.raised_floor_ms});
      if (!raised) return raised.error();
      delete_before = std::max(delete_before, *result.raised_floor_ms);
    }
    auto deleted =
        session.Execute("DELETE FROM signature_nonces WHERE minute_ms < ?", {delete_before});
    if (!deleted) return deleted.error();
    result.deleted = *deleted;
    return Status::Ok();
  });
  if (!status.ok()) return Error(status);
  return result;
}

Result<int64_t> NonceRepository::CountForTest() {
  auto rows = db_.Query("SELECT COUNT(*) FROM signature_nonces");
  if (!rows) return Error(rows.error());
  return AsInt(rows->front().at(0));
}

Result<int64_t> NonceRepository::FloorMsForTest() {
  auto floor = FloorMs();
  if (!floor) return Error(floor.error());
  return floor->value_or(INT64_MIN);
}

}  // namespace liverec::metadata
