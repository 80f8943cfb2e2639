#include "metadata/snapshot_repository.h"

namespace liverec::metadata {
namespace {

constexpr std::string_view kColumns =
    "account_id, domain_name, app_name, stream_name, oss_endpoint, oss_bucket, oss_object, "
    "is_overlay, created_at_ms";

SnapshotRow RowOf(const SqlRow& r) {
  return SnapshotRow{AsText(r[0]), AsText(r[1]), AsText(r[2]),     AsText(r[3]), AsText(r[4]),
                     AsText(r[5]), AsText(r[6]), AsInt(r[7]) != 0, AsInt(r[8])};
}

int64_t SecondOf(int64_t ms) { return ms - (ms % 1000 + 1000) % 1000; }

}  // namespace

Status SnapshotRepository::Record(const SnapshotRow& s) {
  auto r = db_.Execute(
      "INSERT INTO snapshots (" + std::string(kColumns) +
          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, oss_bucket, oss_object) "
          "DO UPDATE SET domain_name = excluded.domain_name, app_name = excluded.app_name, "
          "stream_name = excluded.stream_name, oss_endpoint = excluded.oss_endpoint, "
          "is_overlay = excluded.is_overlay, created_at_ms = excluded.created_at_ms",
      {s.account_id, s.domain_name, s.app_name, s.stream_name, s.oss_endpoint, s.oss_bucket,
       s.oss_object, int64_t{s.is_overlay ? 1 : 0}, s.created_at_ms});
  return r ? Status::Ok() : r.error();
}

Result<SnapshotPage> SnapshotRepository::List(const SnapshotQuery& q) {
  const char* order = q.ascending ? "ASC" : "DESC";
  auto rows = db_.Query(
      "SELECT " + std::string(kColumns) +
          " FROM snapshots WHERE account_id = ? AND domain_name = ? AND app_name = ? AND "
          "stream_name = ? AND created_at_ms >= ? AND created_at_ms < ? ORDER BY created_at_ms " +
          order + ", is_overlay " + order + ", oss_object " + order + " LIMIT ?",
      {q.account_id, q.domain_name, q.app_name, q.stream_name, q.start_ms,
       SecondOf(q.end_ms) + 1000, q.limit + 1});
  if (!rows) return Error(rows.error());
  SnapshotPage page;
  for (const auto& r : *rows) page.snapshots.push_back(RowOf(r));
  if (static_cast<int64_t>(page.snapshots.size()) <= q.limit) return page;
  // More match: end the page at a whole second.
  int64_t next = SecondOf(page.snapshots[q.limit].created_at_ms);
  auto in_next = [&](const SnapshotRow& s) { return SecondOf(s.created_at_ms) == next; };
  size_t keep = static_cast<size_t>(q.limit);
  while (keep > 0 && in_next(page.snapshots[keep - 1])) --keep;
  if (keep == 0) {
    // More than `limit` in the page's first second: that whole second is the page.
    keep = static_cast<size_t>(q.limit);
    while (keep < page.snapshots.size() && in_next(page.snapshots[keep])) ++keep;
    if (keep == page.snapshots.size()) {  // the second may hold more than were read: read it all
      auto all =
          db_.Query("SELECT " + std::string(kColumns) +
                        " FROM snapshots WHERE account_id = ? AND domain_name = ? AND "
                        "app_name = ? AND stream_name = ? AND created_at_ms >= ? AND "
                        "created_at_ms < ? ORDER BY created_at_ms " +
                        order + ", is_overlay " + order + ", oss_object " + order,
                    {q.account_id, q.domain_name, q.app_name, q.stream_name, next, next + 1000});
      if (!all) return Error(all.error());
      page.snapshots.clear();
      for (const auto& r : *all) page.snapshots.push_back(RowOf(r));
      keep = page.snapshots.size();
    }
    page.snapshots.resize(keep);
    int64_t after = q.ascending ? next + 1000 : next - 1000;
    // Whether anything is left beyond this second.
    auto rest = db_.Query(
        "SELECT 1 FROM snapshots WHERE account_id = ? AND domain_name = ? AND app_name = ? AND "
        "stream_name = ? AND created_at_ms >= ? AND created_at_ms < ? LIMIT 1",
        {q.account_id, q.domain_name, q.app_name, q.stream_name, q.ascending ? after : q.start_ms,
         q.ascending ? SecondOf(q.end_ms) + 1000 : next});
    if (!rest) return Error(rest.error());
    if (!rest->empty()) page.next_ms = after;
    return page;
  }
  page.snapshots.resize(keep);
  page.next_ms = next;
  return page;
}

Result<int64_t> SnapshotRepository::CountSequence(const std::string& account_id,
                                                  const std::string& domain_name,
                                                  const std::string& app_name,
                                                  const std::string& stream_name) {
  auto rows = db_.Query(
      "SELECT COUNT(*) FROM snapshots WHERE account_id = ? AND domain_name = ? AND app_name = ? "
      "AND stream_name = ? AND is_overlay = 0",
      {account_id, domain_name, app_name, stream_name});
  if (!rows) return Error(rows.error());
  return AsInt(rows->front()[0]);
}

Result<int64_t> SnapshotRepository::PurgeBefore(int64_t before_ms) {
  auto r = db_.Execute("DELETE FROM snapshots WHERE created_at_ms < ?", {before_ms});
  if (!r) return Error(r.error());
  return *r;
}

}  // namespace liverec::metadata
