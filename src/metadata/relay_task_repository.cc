#include "metadata/relay_task_repository.h"

#include <nlohmann/json.hpp>

namespace liverec::metadata {
namespace {

constexpr std::string_view kColumns =
    "account_id, id, region, task_name, start_time_ms, end_time_ms, source_type, "
    "source_protocol, source_urls, dst_url, callback_url, req_auth, auth_key, notify_item_switch, "
    "repeat_number, offset_s, file_index, "
    "retry_count, retry_interval_s, status, invalid_reason, exit_time_ms, exit_reason, "
    "current_file_index, current_offset_s, remaining_repeats, retries_used, next_attempt_ms, "
    "restarts, revision, created_at_ms, updated_at_ms";

std::string UrlsToText(const std::vector<std::string>& urls) { return nlohmann::json(urls).dump(); }

std::vector<std::string> UrlsFromText(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> urls;
  if (!parsed.is_array()) return urls;
  for (const auto& url : parsed) {
    if (url.is_string()) urls.push_back(url.get<std::string>());
  }
  return urls;
}

RelayTaskRow FromRow(const SqlRow& r) {
  RelayTaskRow t;
  size_t i = 0;
  auto text = [&] { return AsText(r[i++]); };
  auto integer = [&] { return AsInt(r[i++]); };
  t.account_id = text();
  t.task_id = text();
  t.region = text();
  t.task_name = text();
  t.start_time_ms = integer();
  t.end_time_ms = integer();
  t.source_type = text();
  t.source_protocol = text();
  t.source_urls = UrlsFromText(text());
  t.dst_url = text();
  t.callback_url = text();
  t.req_auth = integer() != 0;
  t.auth_key = text();
  t.notify_item_switch = integer() != 0;
  t.repeat_number = integer();
  t.offset_s = integer();
  t.file_index = integer();
  t.retry_count = integer();
  t.retry_interval_s = integer();
  t.status = integer();
  t.invalid_reason = text();
  t.exit_time_ms = integer();
  t.exit_reason = text();
  t.current_file_index = integer();
  t.current_offset_s = integer();
  t.remaining_repeats = integer();
  t.retries_used = integer();
  t.next_attempt_ms = integer();
  t.restarts = integer();
  t.revision = integer();
  t.created_at_ms = integer();
  t.updated_at_ms = integer();
  return t;
}

// The mutable columns, in the order of kColumns after the identity.
std::vector<SqlValue> MutableValues(const RelayTaskRow& t) {
  return {t.region,
          t.task_name,
          t.start_time_ms,
          t.end_time_ms,
          t.source_type,
          t.source_protocol,
          UrlsToText(t.source_urls),
          t.dst_url,
          t.callback_url,
          int64_t{t.req_auth ? 1 : 0},
          t.auth_key,
          int64_t{t.notify_item_switch ? 1 : 0},
          t.repeat_number,
          t.offset_s,
          t.file_index,
          t.retry_count,
          t.retry_interval_s,
          t.status,
          t.invalid_reason,
          t.exit_time_ms,
          t.exit_reason,
          t.current_file_index,
          t.current_offset_s,
          t.remaining_repeats,
          t.retries_used,
          t.next_attempt_ms,
          t.restarts};
}

}  // namespace

Status RelayTaskRepository::Insert(const RelayTaskRow& t, int64_t max_live_tasks, int64_t now_ms,
                                   int64_t max_cluster_tasks) {
  return db_.InTransaction([&](SqlSession& session) -> Status {
    auto live = session.Query(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN dst_url = ? THEN 1 ELSE 0 END), 0) "
        "FROM relay_tasks WHERE account_id = ? AND status <> -1 AND end_time_ms > ?",
        {t.dst_url, t.account_id, now_ms});
    if (!live) return live.error();
    if (AsInt(live->at(0).at(1)) > 0) return Status(ErrorCode::kRelayDstUrlInUse);
    if (AsInt(live->at(0).at(0)) >= max_live_tasks) {
      return Status(ErrorCode::kRelayNotEnoughResource, "",
                    "This account has " + std::to_string(max_live_tasks) +
                        " tasks that have not ended, the most this server allows.");
    }
    if (max_cluster_tasks > 0) {
      auto all = session.Query(
          "SELECT COUNT(*) FROM relay_tasks WHERE status <> -1 AND end_time_ms > ?", {now_ms});
      if (!all) return all.error();
      if (AsInt(all->at(0).at(0)) >= max_cluster_tasks) {
        return Status(ErrorCode::kRelayNotEnoughResource, "",
                      "The service has " + std::to_string(max_cluster_tasks) +
                          " tasks that have not ended (all accounts together), the most it "
                          "allows (relay.max_tasks_per_cluster).");
      }
    }
    std::vector<SqlValue> values = {t.account_id, t.task_id};
    for (auto& v : MutableValues(t)) values.push_back(std::move(v));
    values.insert(values.end(), {t.revision, t.created_at_ms, t.updated_at_ms});
    std::string sql = "INSERT INTO relay_tasks (" + std::string(kColumns) + ") VALUES (?";
    for (size_t i = 1; i < values.size(); ++i) sql += ", ?";
    auto r = session.Execute(sql + ")", values);
    if (!r) return r.error();
    return Status::Ok();
  });
}

Result<std::optional<RelayTaskRow>> RelayTaskRepository::Find(const std::string& account_id,
                                                              const std::string& task_id) {
  auto rows = db_.Query(
      "SELECT " + std::string(kColumns) + " FROM relay_tasks WHERE account_id = ? AND id = ?",
      {account_id, task_id});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<RelayTaskRow>();
  return std::optional<RelayTaskRow>(FromRow(rows->front()));
}

Status RelayTaskRepository::Update(const RelayTaskRow& t) {
  return Update(t, static_cast<const Fence*>(nullptr));
}

Status RelayTaskRepository::Update(const RelayTaskRow& t, const Fence* fence) {
  return db_.InTransaction([&](SqlSession& session) -> Status {
    if (fence) LIVEREC_RETURN_IF_ERROR(CheckFence(session, db_.Dialect(), *fence));
    std::vector<SqlValue> values = MutableValues(t);
    values.insert(values.end(), {t.updated_at_ms, t.account_id, t.task_id, t.revision});
    auto r = session.Execute(
        "UPDATE relay_tasks SET region = ?, task_name = ?, start_time_ms = ?, end_time_ms = ?, "
        "source_type = ?, source_protocol = ?, source_urls = ?, dst_url = ?, callback_url = ?, "
        "req_auth = ?, auth_key = ?, notify_item_switch = ?, repeat_number = ?, offset_s = ?, "
        "file_index = ?, retry_count = ?, retry_interval_s = ?, "
        "status = ?, invalid_reason = ?, exit_time_ms = ?, exit_reason = ?, "
        "current_file_index = ?, current_offset_s = ?, remaining_repeats = ?, retries_used = ?, "
        "next_attempt_ms = ?, restarts = ?, revision = revision + 1, updated_at_ms = ? "
        "WHERE account_id = ? AND id = ? AND revision = ?",
        values);
    if (!r) return r.error();
    if (*r == 1) return Status::Ok();
    auto exists = session.Query("SELECT 1 FROM relay_tasks WHERE account_id = ? AND id = ?",
                                {t.account_id, t.task_id});
    if (!exists) return exists.error();
    return Status(exists->empty() ? ErrorCode::kRelayTaskNotFound : ErrorCode::kRelayTaskConflict);
  });
}

Status RelayTaskRepository::Delete(const std::string& account_id, const std::string& task_id) {
  auto r =
      db_.Execute("DELETE FROM relay_tasks WHERE account_id = ? AND id = ?", {account_id, task_id});
  if (!r) return r.error();
  return *r == 0 ? Status(ErrorCode::kRelayTaskNotFound) : Status::Ok();
}

Result<RelayTaskPage> RelayTaskRepository::List(const std::string& account_id,
                                                const RelayTaskFilter& filter,
                                                int64_t ended_after_ms, int64_t page_number,
                                                int64_t page_size) {
  std::string where = " FROM relay_tasks WHERE account_id = ? AND end_time_ms > ?";
  std::vector<SqlValue> args = {account_id, ended_after_ms};
  auto add = [&](const char* column, const std::string& part) {
    if (part.empty()) return;
    // LOWER on both sides: ASCII case is ignored on PostgreSQL as by SQLite's LIKE.
    where += std::string(" AND LOWER(") + column + ") LIKE LOWER(?) ESCAPE '\\'";
    args.emplace_back(ContainsPattern(part));
  };
  add("id", filter.task_id_part);
  add("task_name", filter.task_name_part);
  add("dst_url", filter.dst_url_part);
  auto count = db_.Query("SELECT COUNT(*)" + where, args);
  if (!count) return Error(count.error());
  RelayTaskPage page;
  page.total = AsInt(count->at(0).at(0));
  args.emplace_back(page_size);
  args.emplace_back((page_number - 1) * page_size);
  auto rows =
      db_.Query("SELECT " + std::string(kColumns) + where + " ORDER BY id LIMIT ? OFFSET ?", args);
  if (!rows) return Error(rows.error());
  for (const auto& row : *rows) page.tasks.push_back(FromRow(row));
  return page;
}

Result<std::vector<RelayTaskRow>> RelayTaskRepository::ListAll() {
  auto rows =
      db_.Query("SELECT " + std::string(kColumns) + " FROM relay_tasks ORDER BY account_id, id");
  if (!rows) return Error(rows.error());
  std::vector<RelayTaskRow> tasks;
  for (const auto& row : *rows) tasks.push_back(FromRow(row));
  return tasks;
}

Result<std::vector<RelayTaskState>> RelayTaskRepository::ListStates() {
  auto rows = db_.Query(
      "SELECT account_id, id, status, end_time_ms, revision, created_at_ms FROM relay_tasks "
      "ORDER BY account_id, id");
  if (!rows) return Error(rows.error());
  std::vector<RelayTaskState> states;
  states.reserve(rows->size());
  for (const auto& r : *rows) {
    states.push_back(
        {AsText(r[0]), AsText(r[1]), AsInt(r[2]), AsInt(r[3]), AsInt(r[4]), AsInt(r[5])});
  }
  return states;
}

Result<int64_t> RelayTaskRepository::PurgeEnded(const std::string& account_id,
                                                int64_t ended_by_ms) {
  if (account_id.empty()) {
    return db_.Execute("DELETE FROM relay_tasks WHERE end_time_ms <= ?", {ended_by_ms});
  }
  return db_.Execute("DELETE FROM relay_tasks WHERE account_id = ? AND end_time_ms <= ?",
                     {account_id, ended_by_ms});
}

Result<std::map<int64_t, int64_t>> RelayTaskRepository::CountByStatus() {
  auto rows = db_.Query("SELECT status, COUNT(*) FROM relay_tasks GROUP BY status");
  if (!rows) return Error(rows.error());
  std::map<int64_t, int64_t> counts;
  for (const auto& row : *rows) counts[AsInt(row[0])] = AsInt(row[1]);
  return counts;
}

}  // namespace liverec::metadata
