#include "metadata/notify_config_repository.h"

namespace liverec::metadata {

Status NotifyConfigRepository::Insert(const NotifyConfig& c) {
  return db_.InTransaction([&](SqlSession& session) -> Status {
    auto existing =
        session.Query("SELECT 1 FROM notify_configs WHERE account_id = ? AND domain_name = ?",
                      {c.account_id, c.domain_name});
    if (!existing) return existing.error();
    if (!existing->empty()) return Status(ErrorCode::kConfigAlreadyExists);
    auto r = session.Execute(
        "INSERT INTO notify_configs (account_id, domain_name, notify_url, on_demand_url, "
        "need_status_notify, notify_req_auth, notify_auth_key, created_at_ms, updated_at_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {c.account_id, c.domain_name, c.notify_url, c.on_demand_url, int64_t{c.need_status_notify},
         int64_t{c.notify_req_auth}, c.notify_auth_key, c.created_at_ms, c.updated_at_ms});
    if (!r) return r.error();
    return Status::Ok();
  });
}

Status NotifyConfigRepository::Update(const NotifyConfig& c) {
  auto r = db_.Execute(
      "UPDATE notify_configs SET notify_url = ?, on_demand_url = ?, need_status_notify = ?, "
      "notify_req_auth = ?, notify_auth_key = ?, updated_at_ms = ? "
      "WHERE account_id = ? AND domain_name = ?",
      {c.notify_url, c.on_demand_url, int64_t{c.need_status_notify}, int64_t{c.notify_req_auth},
       c.notify_auth_key, c.updated_at_ms, c.account_id, c.domain_name});
  if (!r) return r.error();
  return *r == 0 ? Status(ErrorCode::kInvalidConfigNotFound) : Status::Ok();
}

Status NotifyConfigRepository::Delete(const std::string& account_id,
                                      const std::string& domain_name) {
  auto r = db_.Execute("DELETE FROM notify_configs WHERE account_id = ? AND domain_name = ?",
                       {account_id, domain_name});
  if (!r) return r.error();
  return *r == 0 ? Status(ErrorCode::kInvalidConfigNotFound) : Status::Ok();
}

Result<std::optional<NotifyConfig>> NotifyConfigRepository::Find(const std::string& account_id,
                                                                 const std::string& domain_name) {
  auto rows = db_.Query(
      "SELECT notify_url, on_demand_url, need_status_notify, notify_req_auth, notify_auth_key, "
      "created_at_ms, updated_at_ms FROM notify_configs WHERE account_id = ? AND domain_name = ?",
      {account_id, domain_name});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<NotifyConfig>();
  const SqlRow& r = rows->front();
  NotifyConfig c;
  c.account_id = account_id;
  c.domain_name = domain_name;
  c.notify_url = AsText(r[0]);
  c.on_demand_url = AsText(r[1]);
  c.need_status_notify = AsInt(r[2]) != 0;
  c.notify_req_auth = AsInt(r[3]) != 0;
  c.notify_auth_key = AsText(r[4]);
  c.created_at_ms = AsInt(r[5]);
  c.updated_at_ms = AsInt(r[6]);
  return std::optional<NotifyConfig>(std::move(c));
}

}  // namespace liverec::metadata
