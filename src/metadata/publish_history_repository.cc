#include "metadata/publish_history_repository.h"

#include <map>

namespace liverec::metadata {
namespace {

constexpr std::string_view kColumns =
    "id, account_id, domain_name, app_name, stream_name, publish_domain, client_addr, "
    "edge_node_addr, node, publish_ms, stop_ms";

PublishSession SessionOf(const SqlRow& r) {
  PublishSession s;
  s.id = AsText(r[0]);
  s.account_id = AsText(r[1]);
  s.domain_name = AsText(r[2]);
  s.app_name = AsText(r[3]);
  s.stream_name = AsText(r[4]);
  s.publish_domain = AsText(r[5]);
  s.client_addr = AsText(r[6]);
  s.edge_node_addr = AsText(r[7]);
  s.node = AsText(r[8]);
  s.publish_ms = AsInt(r[9]);
  s.stop_ms = AsInt(r[10]);
  return s;
}

}  // namespace

Status PublishHistoryRepository::Begin(const PublishSession& s) {
  auto r =
      db_.Execute("INSERT INTO publish_sessions (" + std::string(kColumns) +
                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {s.id, s.account_id, s.domain_name, s.app_name, s.stream_name, s.publish_domain,
                   s.client_addr, s.edge_node_addr, s.node, s.publish_ms, s.stop_ms});
  return r ? Status::Ok() : r.error();
}

Status PublishHistoryRepository::End(const std::string& account_id, const std::string& id,
                                     int64_t stop_ms) {
  auto r = db_.Execute(
      "UPDATE publish_sessions SET stop_ms = ? WHERE account_id = ? AND id = ? AND stop_ms = 0",
      {stop_ms, account_id, id});
  return r ? Status::Ok() : r.error();
}

Result<int64_t> PublishHistoryRepository::Interrupted(const std::string& node, int64_t stop_ms) {
  return db_.Execute("UPDATE publish_sessions SET stop_ms = ? WHERE node = ? AND stop_ms = 0",
                     {stop_ms, node});
}

Result<PublishHistoryPage> PublishHistoryRepository::List(const PublishHistoryQuery& q) {
  std::string where =
      " FROM publish_sessions WHERE account_id = ? AND domain_name = ? AND publish_ms < ? AND "
      "(stop_ms = 0 OR stop_ms > ?)";
  std::vector<SqlValue> args = {q.account_id, q.domain_name, q.end_ms, q.start_ms};
  if (q.app_name) {
    where += " AND app_name = ?";
    args.emplace_back(*q.app_name);
  }
  if (q.stream_name) {
    where += q.strict ? " AND stream_name = ?" : " AND stream_name LIKE ? ESCAPE '\\'";
    args.emplace_back(q.strict ? *q.stream_name : ContainsPattern(*q.stream_name));
  }
  static const std::map<std::string, std::string> kOrders = {
      {"publish_time_asc", "publish_ms ASC, stream_name ASC, id ASC"},
      {"publish_time_desc", "publish_ms DESC, stream_name DESC, id DESC"},
      {"stream_name_asc", "stream_name ASC, app_name ASC, publish_ms ASC, id ASC"},
      {"stream_name_desc", "stream_name DESC, app_name DESC, publish_ms DESC, id DESC"}};
  auto order = kOrders.find(q.order_by);
  if (order == kOrders.end()) {
    return Error(ErrorCode::kInternalError, "", "unknown order " + q.order_by);
  }
  PublishHistoryPage page;
  Status listed = db_.InTransaction([&](SqlSession& s) -> Status {
    page = {};
    auto count = s.Query("SELECT COUNT(*)" + where, args);
    if (!count) return count.error();
    page.total = AsInt(count->front()[0]);
    std::vector<SqlValue> paged = args;
    paged.emplace_back(q.page_size);
    paged.emplace_back((q.page_num - 1) * q.page_size);
    auto rows = s.Query("SELECT " + std::string(kColumns) + where + " ORDER BY " + order->second +
                            " LIMIT ? OFFSET ?",
                        paged);
    if (!rows) return rows.error();
    for (const auto& r : *rows) page.sessions.push_back(SessionOf(r));
    return Status::Ok();
  });
  if (!listed.ok()) return Error(listed);
  return page;
}

Result<int64_t> PublishHistoryRepository::Purge(int64_t before_ms) {
  return db_.Execute("DELETE FROM publish_sessions WHERE stop_ms <> 0 AND stop_ms < ?",
                     {before_ms});
}

}  // namespace liverec::metadata
