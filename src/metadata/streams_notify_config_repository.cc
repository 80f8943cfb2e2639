#include "metadata/streams_notify_config_repository.h"

namespace liverec::metadata {

Status StreamsNotifyConfigRepository::Upsert(const StreamsNotifyConfig& c) {
  auto r = db_.Execute(
      "INSERT INTO streams_notify_configs (account_id, domain_name, notify_url, notify_req_auth, "
      "notify_auth_key, exception_notify_url, switch_notify_url, created_at_ms, updated_at_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, domain_name) DO UPDATE SET "
      "notify_url = excluded.notify_url, notify_req_auth = excluded.notify_req_auth, "
      "notify_auth_key = excluded.notify_auth_key, "
      "exception_notify_url = excluded.exception_notify_url, "
      "switch_notify_url = excluded.switch_notify_url, updated_at_ms = excluded.updated_at_ms",
      {c.account_id, c.domain_name, c.notify_url, int64_t{c.notify_req_auth}, c.notify_auth_key,
       c.exception_notify_url, c.switch_notify_url, c.created_at_ms, c.updated_at_ms});
  if (!r) return r.error();
  return Status::Ok();
}

Status StreamsNotifyConfigRepository::Delete(const std::string& account_id,
                                             const std::string& domain_name) {
  auto r =
      db_.Execute("DELETE FROM streams_notify_configs WHERE account_id = ? AND domain_name = ?",
                  {account_id, domain_name});
  if (!r) return r.error();
  return *r == 0 ? Status(ErrorCode::kInvalidConfigNotFound) : Status::Ok();
}

Result<std::optional<StreamsNotifyConfig>> StreamsNotifyConfigRepository::Find(
    const std::string& account_id, const std::string& domain_name) {
  auto rows = db_.Query(
      "SELECT notify_url, notify_req_auth, notify_auth_key, exception_notify_url, "
      "switch_notify_url, created_at_ms, updated_at_ms FROM streams_notify_configs "
      "WHERE account_id = ? AND domain_name = ?",
      {account_id, domain_name});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<StreamsNotifyConfig>();
  const SqlRow& r = rows->front();
  StreamsNotifyConfig c;
  c.account_id = account_id;
  c.domain_name = domain_name;
  c.notify_url = AsText(r[0]);
  c.notify_req_auth = AsInt(r[1]) != 0;
  c.notify_auth_key = AsText(r[2]);
  c.exception_notify_url = AsText(r[3]);
  c.switch_notify_url = AsText(r[4]);
  c.created_at_ms = AsInt(r[5]);
  c.updated_at_ms = AsInt(r[6]);
  return std::optional<StreamsNotifyConfig>(std::move(c));
}

}  // namespace liverec::metadata
