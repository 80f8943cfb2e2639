#include "metadata/snapshot_config_repository.h"

namespace liverec::metadata {
namespace {

constexpr std::string_view kColumns =
    "account_id, domain_name, app_name, time_interval_s, oss_endpoint, oss_bucket, "
    "overwrite_oss_object, sequence_oss_object, callback, created_at_ms, updated_at_ms";

SnapshotConfig ConfigOf(const SqlRow& r) {
  SnapshotConfig c;
  c.account_id = AsText(r[0]);
  c.domain_name = AsText(r[1]);
  c.app_name = AsText(r[2]);
  c.time_interval_s = AsInt(r[3]);
  c.oss_endpoint = AsText(r[4]);
  c.oss_bucket = AsText(r[5]);
  c.overwrite_oss_object = AsText(r[6]);
  c.sequence_oss_object = AsText(r[7]);
  c.callback = AsText(r[8]);
  c.created_at_ms = AsInt(r[9]);
  c.updated_at_ms = AsInt(r[10]);
  return c;
}

}  // namespace

Status SnapshotConfigRepository::Insert(const SnapshotConfig& c) {
  return db_.InTransaction([&](SqlSession& s) -> Status {
    auto existing = s.Query(
        "SELECT 1 FROM snapshot_configs WHERE account_id = ? AND domain_name = ? AND app_name = ?",
        {c.account_id, c.domain_name, c.app_name});
    if (!existing) return existing.error();
    if (!existing->empty()) return Status(ErrorCode::kConfigAlreadyExists);
    auto r = s.Execute("INSERT INTO snapshot_configs (" + std::string(kColumns) +
                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       {c.account_id, c.domain_name, c.app_name, c.time_interval_s, c.oss_endpoint,
                        c.oss_bucket, c.overwrite_oss_object, c.sequence_oss_object, c.callback,
                        c.created_at_ms, c.updated_at_ms});
    return r ? Status::Ok() : r.error();
  });
}

Status SnapshotConfigRepository::Update(const SnapshotConfig& c) {
  auto r = db_.Execute(
      "UPDATE snapshot_configs SET time_interval_s = ?, oss_endpoint = ?, oss_bucket = ?, "
      "overwrite_oss_object = ?, sequence_oss_object = ?, callback = ?, updated_at_ms = ? "
      "WHERE account_id = ? AND domain_name = ? AND app_name = ?",
      {c.time_interval_s, c.oss_endpoint, c.oss_bucket, c.overwrite_oss_object,
       c.sequence_oss_object, c.callback, c.updated_at_ms, c.account_id, c.domain_name,
       c.app_name});
  if (!r) return r.error();
  return *r == 0 ? Status(ErrorCode::kInvalidConfigNotFound) : Status::Ok();
}

Status SnapshotConfigRepository::Delete(const std::string& account_id,
                                        const std::string& domain_name,
                                        const std::string& app_name) {
  auto r = db_.Execute(
      "DELETE FROM snapshot_configs WHERE account_id = ? AND domain_name = ? AND app_name = ?",
      {account_id, domain_name, app_name});
  if (!r) return r.error();
  return *r == 0 ? Status(ErrorCode::kInvalidConfigNotFound) : Status::Ok();
}

Result<std::optional<SnapshotConfig>> SnapshotConfigRepository::Find(const std::string& account_id,
                                                                     const std::string& domain_name,
                                                                     const std::string& app_name) {
  auto rows = db_.Query("SELECT " + std::string(kColumns) +
                            " FROM snapshot_configs WHERE account_id = ? AND domain_name = ? AND "
                            "app_name = ?",
                        {account_id, domain_name, app_name});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<SnapshotConfig>();
  return std::optional<SnapshotConfig>(ConfigOf(rows->front()));
}

Result<std::optional<SnapshotConfig>> SnapshotConfigRepository::Match(
    const std::string& account_id, const std::string& domain_name, const std::string& app_name) {
  auto own = Find(account_id, domain_name, app_name);
  if (!own || *own || app_name == "*") return own;
  return Find(account_id, domain_name, "*");
}

Result<SnapshotConfigPage> SnapshotConfigRepository::List(const std::string& account_id,
                                                          const std::string& domain_name,
                                                          const std::string& app_name,
                                                          int64_t page_num, int64_t page_size,
                                                          bool ascending) {
  std::string where = " FROM snapshot_configs WHERE account_id = ? AND domain_name = ?";
  std::vector<SqlValue> args{account_id, domain_name};
  if (!app_name.empty()) {
    where += " AND app_name = ?";
    args.emplace_back(app_name);
  }
  auto count = db_.Query("SELECT COUNT(*)" + where, args);
  if (!count) return Error(count.error());
  SnapshotConfigPage page;
  page.total = AsInt(count->front()[0]);
  args.emplace_back(page_size);
  args.emplace_back((page_num - 1) * page_size);
  auto rows = db_.Query("SELECT " + std::string(kColumns) + where + " ORDER BY app_name " +
                            (ascending ? "ASC" : "DESC") + " LIMIT ? OFFSET ?",
                        args);
  if (!rows) return Error(rows.error());
  for (const auto& r : *rows) page.configs.push_back(ConfigOf(r));
  return page;
}

}  // namespace liverec::metadata
