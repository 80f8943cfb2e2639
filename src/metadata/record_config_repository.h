// RecordConfigRepository: recording configs with their formats and transcode templates, one
// aggregate keyed by (account, domain, app, stream). Every query is scoped to one account.
// Thread-safety: any thread (the SqlDatabase serializes; writes are transactions).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "metadata/rows.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

struct RecordConfigKey {
  std::string account_id;
  std::string domain_name;
  std::string app_name;
  std::string stream_name;
};

struct RecordConfigQuery {
  std::string account_id;
  std::string domain_name;
  std::optional<std::string> app_name;     // exact match when set
  std::optional<std::string> stream_name;  // exact match when set
  int64_t page_num = 1;                    // 1-based
  int64_t page_size = 10;
  bool ascending = true;  // by creation
};

struct RecordConfigPage {
  std::vector<RecordConfig> configs;
  int64_t total = 0;
};

class RecordConfigRepository {
 public:
  explicit RecordConfigRepository(SqlDatabase& db) : db_(db) {}

  // ConfigAlreadyExists when the triplet is taken.
  Status Insert(const RecordConfig& config);
  // Replaces the stored config with the same account and id (formats and templates included).
  Status Update(const RecordConfig& config);
  // InvalidConfig.NotFound when no config has that key.
  Status Delete(const RecordConfigKey& key);
  Result<std::optional<RecordConfig>> Find(const RecordConfigKey& key);
  Result<RecordConfigPage> List(const RecordConfigQuery& query);
  // Every config of the account's domain (for matching a published stream).
  Result<std::vector<RecordConfig>> ListForDomain(const std::string& account_id,
                                                  const std::string& domain_name);

 private:
  Status WriteChildren(SqlSession& session, const RecordConfig& config);
  Status LoadChildren(RecordConfig& config);

  SqlDatabase& db_;
};

}  // namespace liverec::metadata
