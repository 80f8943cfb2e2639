// NotifyConfigRepository: the recording-callback config of a streaming domain
// (docs/api/notify-configs.md): where
// file_created and status callbacks go, the on-demand URL, and the signing key. One config per
// (account, domain). Thread-safety: any thread (the SqlDatabase serializes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "metadata/sql_database.h"

namespace liverec::metadata {

struct NotifyConfig {
  std::string account_id;
  std::string domain_name;
  std::string notify_url;
  std::string on_demand_url;  // "" when not set
  bool need_status_notify = false;
  bool notify_req_auth = false;
  std::string notify_auth_key;  // "" when not set
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

class NotifyConfigRepository {
 public:
  explicit NotifyConfigRepository(SqlDatabase& db) : db_(db) {}

  // ConfigAlreadyExists when the domain has a config already.
  Status Insert(const NotifyConfig& config);
  // Replaces every field but created_at_ms; InvalidConfig.NotFound when there is none.
  Status Update(const NotifyConfig& config);
  // InvalidConfig.NotFound when there is none.
  Status Delete(const std::string& account_id, const std::string& domain_name);
  Result<std::optional<NotifyConfig>> Find(const std::string& account_id,
                                           const std::string& domain_name);

 private:
  SqlDatabase& db_;
};

}  // namespace liverec::metadata
