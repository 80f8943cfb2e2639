// StreamsNotifyConfigRepository: the stream publish/unpublish callback config of an ingest domain
// (docs/api/streams.md): where `publish` / `publish_done` callbacks go and how they
// are signed, plus ExceptionNotifyUrl and SwitchNotifyUrl, which are stored and echoed only. One
// config per (account, domain); setting one replaces it. Thread-safety: any thread (the
// SqlDatabase serializes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "metadata/sql_database.h"

namespace liverec::metadata {

struct StreamsNotifyConfig {
  std::string account_id;
  std::string domain_name;  // the ingest domain (or a streaming domain) publishers use
  std::string notify_url;
  bool notify_req_auth = false;
  std::string notify_auth_key;       // "" when not set
  std::string exception_notify_url;  // "" when not set; never called
  std::string switch_notify_url;     // "" when not set; never called
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

class StreamsNotifyConfigRepository {
 public:
  explicit StreamsNotifyConfigRepository(SqlDatabase& db) : db_(db) {}

  // Inserts the config, or replaces every field of the existing one but created_at_ms.
  Status Upsert(const StreamsNotifyConfig& config);
  // InvalidConfig.NotFound when there is none.
  Status Delete(const std::string& account_id, const std::string& domain_name);
  Result<std::optional<StreamsNotifyConfig>> Find(const std::string& account_id,
                                                  const std::string& domain_name);

 private:
  SqlDatabase& db_;
};

}  // namespace liverec::metadata
