#include "metadata/stream_block_repository.h"

namespace liverec::metadata {
namespace {

// Live at `now`: without a resume time, or with one still ahead.
constexpr std::string_view kLive = "(resume_at_ms = 0 OR resume_at_ms > ?)";

StreamBlock BlockOf(const SqlRow& r) {
  StreamBlock b;
  b.account_id = AsText(r[0]);
  b.domain_name = AsText(r[1]);
  b.app_name = AsText(r[2]);
  b.stream_name = AsText(r[3]);
  b.resume_at_ms = AsInt(r[4]);
  b.created_at_ms = AsInt(r[5]);
  return b;
}

constexpr std::string_view kColumns =
    "account_id, domain_name, app_name, stream_name, resume_at_ms, created_at_ms";

Status RemoveLapsed(SqlSession& s, const std::string& account_id, int64_t now_ms) {
  auto removed = s.Execute(
      "DELETE FROM stream_blocks WHERE account_id = ? AND resume_at_ms <> 0 AND resume_at_ms <= ?",
      {account_id, now_ms});
  return removed ? Status::Ok() : removed.error();
}

}  // namespace

Status StreamBlockRepository::Block(const StreamBlock& b, int64_t now_ms) {
  return db_.InTransaction([&](SqlSession& s) -> Status {
    LIVEREC_RETURN_IF_ERROR(RemoveLapsed(s, b.account_id, now_ms));
    auto existing = s.Query(
        "SELECT 1 FROM stream_blocks WHERE account_id = ? AND domain_name = ? AND app_name = ? "
        "AND stream_name = ?",
        {b.account_id, b.domain_name, b.app_name, b.stream_name});
    if (!existing) return existing.error();
    if (existing->empty()) {
      auto count =
          s.Query("SELECT COUNT(*) FROM stream_blocks WHERE account_id = ?", {b.account_id});
      if (!count) return count.error();
      if (AsInt(count->front()[0]) >= max_blocks_) {
        return Status(ErrorCode::kBlockListQuotaExceeded, "",
                      "at most " + std::to_string(max_blocks_) +
                          " streams of an account can be forbidden at once; resume one first");
      }
    }
    auto r = s.Execute(
        "INSERT INTO stream_blocks (account_id, domain_name, app_name, stream_name, resume_at_ms, "
        "created_at_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, domain_name, app_name, "
        "stream_name) DO UPDATE SET resume_at_ms = excluded.resume_at_ms, "
        "created_at_ms = excluded.created_at_ms",
        {b.account_id, b.domain_name, b.app_name, b.stream_name, b.resume_at_ms, now_ms});
    return r ? Status::Ok() : r.error();
  });
}

Result<bool> StreamBlockRepository::Unblock(const std::string& account_id,
                                            const std::string& domain_name,
                                            const std::string& app_name,
                                            const std::string& stream_name, int64_t now_ms) {
  auto r = db_.Execute(
      "DELETE FROM stream_blocks WHERE account_id = ? AND domain_name = ? AND app_name = ? AND "
      "stream_name = ? AND " +
          std::string(kLive),
      {account_id, domain_name, app_name, stream_name, now_ms});
  if (!r) return Error(r.error());
  return *r > 0;
}

Result<std::optional<StreamBlock>> StreamBlockRepository::Find(const std::string& account_id,
                                                               const std::string& domain_name,
                                                               const std::string& app_name,
                                                               const std::string& stream_name,
                                                               int64_t now_ms) {
  auto rows = db_.Query("SELECT " + std::string(kColumns) +
                            " FROM stream_blocks WHERE account_id = ? AND domain_name = ? AND "
                            "app_name = ? AND stream_name = ? AND " +
                            std::string(kLive),
                        {account_id, domain_name, app_name, stream_name, now_ms});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<StreamBlock>();
  return std::optional<StreamBlock>(BlockOf(rows->front()));
}

Result<StreamBlockPage> StreamBlockRepository::List(const std::string& account_id,
                                                    const std::string& domain_name,
                                                    int64_t page_num, int64_t page_size,
                                                    int64_t now_ms) {
  StreamBlockPage page;
  Status listed = db_.InTransaction([&](SqlSession& s) -> Status {
    page = {};
    LIVEREC_RETURN_IF_ERROR(RemoveLapsed(s, account_id, now_ms));
    auto count =
        s.Query("SELECT COUNT(*) FROM stream_blocks WHERE account_id = ? AND domain_name = ?",
                {account_id, domain_name});
    if (!count) return count.error();
    page.total = AsInt(count->front()[0]);
    auto rows = s.Query("SELECT " + std::string(kColumns) +
                            " FROM stream_blocks WHERE account_id = ? AND domain_name = ? "
                            "ORDER BY app_name, stream_name LIMIT ? OFFSET ?",
                        {account_id, domain_name, page_size, (page_num - 1) * page_size});
    if (!rows) return rows.error();
    for (const auto& r : *rows) page.blocks.push_back(BlockOf(r));
    return Status::Ok();
  });
  if (!listed.ok()) return Error(listed);
  return page;
}

}  // namespace liverec::metadata
