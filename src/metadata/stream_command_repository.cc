#include "metadata/stream_command_repository.h"

namespace liverec::metadata {
namespace {

constexpr std::string_view kColumns =
    "id, target_node, origin_node, account_id, domain_name, app_name, stream_name, kind, "
    "payload, state, result_code, result_arg, result_detail, result, created_at_ms, "
    "deadline_ms, done_at_ms";

StreamCommandRow FromRow(const SqlRow& r) {
  return StreamCommandRow{AsText(r[0]),  AsText(r[1]),  AsText(r[2]),  AsText(r[3]),  AsText(r[4]),
                          AsText(r[5]),  AsText(r[6]),  AsText(r[7]),  AsText(r[8]),  AsText(r[9]),
                          AsText(r[10]), AsText(r[11]), AsText(r[12]), AsText(r[13]), AsInt(r[14]),
                          AsInt(r[15]),  AsInt(r[16])};
}

}  // namespace

Status StreamCommandRepository::Insert(const StreamCommandRow& r) {
  auto changed =
      db_.Execute(std::string("INSERT INTO stream_commands (")
                      .append(kColumns)
                      .append(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                  {r.id, r.target_node, r.origin_node, r.account_id, r.domain_name, r.app_name,
                   r.stream_name, r.kind, r.payload, r.state, r.result_code, r.result_arg,
                   r.result_detail, r.result, r.created_at_ms, r.deadline_ms, r.done_at_ms});
  if (!changed) return changed.error();
  return Status::Ok();
}

Status StreamCommandRepository::Notify(const std::string& channel, const std::string& payload) {
  if (db_.Dialect() != "postgres") return Status::Ok();
  auto rows = db_.Query("SELECT pg_notify(?, ?)", {channel, payload});
  if (!rows) return rows.error();
  return Status::Ok();
}

Result<std::vector<StreamCommandRow>> StreamCommandRepository::ClaimPending(const std::string& node,
                                                                            int64_t now_ms,
                                                                            int limit) {
  auto rows = db_.Query(std::string("SELECT ").append(kColumns).append(
                            " FROM stream_commands WHERE target_node = ? AND state = ? AND "
                            "deadline_ms > ? ORDER BY created_at_ms, id LIMIT ?"),
                        {node, std::string(kCommandPending), now_ms, int64_t{limit}});
  if (!rows) return Error(rows.error());
  std::vector<StreamCommandRow> claimed;
  for (const auto& r : *rows) {
    StreamCommandRow row = FromRow(r);
    // The claim: only one of it and the origin's Cancel changes the pending row.
    auto changed =
        db_.Execute("UPDATE stream_commands SET state = ? WHERE id = ? AND state = ?",
                    {std::string(kCommandRunning), row.id, std::string(kCommandPending)});
    if (!changed) return Error(changed.error());
    if (*changed == 0) continue;
    row.state = std::string(kCommandRunning);
    claimed.push_back(std::move(row));
  }
  return claimed;
}

Result<bool> StreamCommandRepository::Complete(const StreamCommandRow& r, int64_t now_ms) {
  auto changed = db_.Execute(
      "UPDATE stream_commands SET state = ?, result_code = ?, result_arg = ?, result_detail = ?, "
      "result = ?, done_at_ms = ? WHERE id = ? AND state = ?",
      {std::string(kCommandDone), r.result_code, r.result_arg, r.result_detail, r.result, now_ms,
       r.id, std::string(kCommandRunning)});
  if (!changed) return Error(changed.error());
  return *changed > 0;
}

Result<bool> StreamCommandRepository::Cancel(const std::string& id, int64_t now_ms) {
  auto changed =
      db_.Execute("UPDATE stream_commands SET state = ?, done_at_ms = ? WHERE id = ? AND state = ?",
                  {std::string(kCommandCancelled), now_ms, id, std::string(kCommandPending)});
  if (!changed) return Error(changed.error());
  return *changed > 0;
}

Result<std::optional<StreamCommandRow>> StreamCommandRepository::Get(const std::string& id) {
  auto rows = db_.Query(
      std::string("SELECT ").append(kColumns).append(" FROM stream_commands WHERE id = ?"), {id});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<StreamCommandRow>();
  return std::optional<StreamCommandRow>(FromRow(rows->front()));
}

Result<int64_t> StreamCommandRepository::PurgeBefore(int64_t before_ms) {
  return db_.Execute("DELETE FROM stream_commands WHERE created_at_ms < ?", {before_ms});
}

}  // namespace liverec::metadata
