// PublishHistoryRepository: the publish sessions that happened (DescribeLiveStreamsPublishList;
// docs/api/streams.md "DescribeLiveStreamsPublishList"): one row per publish confirmed by ingest
// (it stayed 2 s, as for the publish callback), written when it is confirmed and again when it
// ends. A row whose stop is 0 is live, or was cut by a crash: Interrupted() closes the rows a
// previous run of a node left open. Rows older than the retention go (Purge). Thread-safety: any
// thread (the SqlDatabase serializes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metadata/sql_database.h"

namespace liverec::metadata {

struct PublishSession {
  std::string id;
  std::string account_id;
  std::string domain_name;
  std::string app_name;
  std::string stream_name;
  std::string publish_domain;  // the domain the publisher named (an alias, or the domain)
  std::string client_addr;     // the publisher's IP
  std::string edge_node_addr;  // the node's ingest address (or its name)
  std::string node;            // the node that took the publish
  int64_t publish_ms = 0;
  int64_t stop_ms = 0;  // 0 while live (or until Interrupted)
};

struct PublishHistoryQuery {
  std::string account_id;
  std::string domain_name;
  std::optional<std::string> app_name;     // exact
  std::optional<std::string> stream_name;  // exact (strict) or a substring (fuzzy)
  bool strict = false;
  int64_t start_ms = 0;  // sessions live at some time in [start_ms, end_ms)
  int64_t end_ms = 0;
  std::string order_by = "publish_time_asc";  // or _desc, stream_name_asc, stream_name_desc
  int64_t page_num = 1;
  int64_t page_size = 2000;
};

struct PublishHistoryPage {
  std::vector<PublishSession> sessions;
  int64_t total = 0;
};

class PublishHistoryRepository {
 public:
  explicit PublishHistoryRepository(SqlDatabase& db) : db_(db) {}

  Status Begin(const PublishSession& session);
  Status End(const std::string& account_id, const std::string& id, int64_t stop_ms);
  // Closes, at `stop_ms`, the open sessions `node` took in an earlier run (a crash or kill left
  // them open); returns how many.
  Result<int64_t> Interrupted(const std::string& node, int64_t stop_ms);
  Result<PublishHistoryPage> List(const PublishHistoryQuery& query);
  // Removes the sessions that ended before `before_ms`; returns how many.
  Result<int64_t> Purge(int64_t before_ms);

 private:
  SqlDatabase& db_;
};

}  // namespace liverec::metadata
