// SnapshotConfigRepository: snapshot configs (AddLiveAppSnapshotConfig; docs/api/snapshots.md),
// one per (account, domain, app); app "*" matches every app of its domain. Every query is scoped
// to one account. Thread-safety: any thread (the SqlDatabase serializes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metadata/sql_database.h"

namespace liverec::metadata {

struct SnapshotConfig {
  std::string account_id;
  std::string domain_name;
  std::string app_name;  // or "*"
  int64_t time_interval_s = 0;
  std::string oss_endpoint;
  std::string oss_bucket;
  std::string overwrite_oss_object;  // "" none
  std::string sequence_oss_object;   // "" none
  std::string callback;              // "" none
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

struct SnapshotConfigPage {
  std::vector<SnapshotConfig> configs;  // by app name
  int64_t total = 0;
};

class SnapshotConfigRepository {
 public:
  explicit SnapshotConfigRepository(SqlDatabase& db) : db_(db) {}

  // ConfigAlreadyExists when the app has one.
  Status Insert(const SnapshotConfig& config);
  // Replaces every field but the key and created_at_ms; InvalidConfig.NotFound without one.
  Status Update(const SnapshotConfig& config);
  // InvalidConfig.NotFound without one.
  Status Delete(const std::string& account_id, const std::string& domain_name,
                const std::string& app_name);
  Result<std::optional<SnapshotConfig>> Find(const std::string& account_id,
                                             const std::string& domain_name,
                                             const std::string& app_name);
  // The config a publish of `app_name` takes: its app's, else the domain's "*".
  Result<std::optional<SnapshotConfig>> Match(const std::string& account_id,
                                              const std::string& domain_name,
                                              const std::string& app_name);
  // One page (from 1) of the domain's configs, of `app_name` only when it is not empty.
  Result<SnapshotConfigPage> List(const std::string& account_id, const std::string& domain_name,
                                  const std::string& app_name, int64_t page_num, int64_t page_size,
                                  bool ascending);

 private:
  SqlDatabase& db_;
};

}  // namespace liverec::metadata
