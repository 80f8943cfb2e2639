// SnapshotRepository: the snapshots taken (DescribeLiveStreamSnapshotInfo;
// docs/api/snapshots.md), one row per stored object: a sequence snapshot gets its own row, an
// overwrite snapshot updates its object's row to the latest capture. Rows older than the
// configured history are purged (the hourly retention job). Thread-safety: any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metadata/sql_database.h"

namespace liverec::metadata {

struct SnapshotRow {
  std::string account_id;
  std::string domain_name;
  std::string app_name;
  std::string stream_name;
  std::string oss_endpoint;
  std::string oss_bucket;
  std::string oss_object;
  bool is_overlay = false;  // an overwrite snapshot (its object holds the latest capture)
  int64_t created_at_ms = 0;
};

struct SnapshotQuery {
  std::string account_id;
  std::string domain_name;
  std::string app_name;
  std::string stream_name;
  int64_t start_ms = 0;  // created at or after
  int64_t end_ms = 0;    // created before the end of this second (inclusive to the second)
  int64_t limit = 10;
  bool ascending = true;
};

struct SnapshotPage {
  std::vector<SnapshotRow> snapshots;
  // When more match: the second (ms, whole) the next page starts from — pass it as StartTime
  // (ascending) or EndTime (descending). A page never ends inside a second, so no snapshot is
  // listed twice or skipped; a page holds more than `limit` only when more than `limit` were
  // taken within its first second (both modes at once with Limit=1).
  std::optional<int64_t> next_ms;
};

class SnapshotRepository {
 public:
  explicit SnapshotRepository(SqlDatabase& db) : db_(db) {}

  Status Record(const SnapshotRow& row);
  Result<SnapshotPage> List(const SnapshotQuery& query);
  // How many sequence snapshots of the stream are recorded: where a new publish's {Sequence}
  // goes on from, so a template without {UnixTimestamp} does not name an object again.
  Result<int64_t> CountSequence(const std::string& account_id, const std::string& domain_name,
                                const std::string& app_name, const std::string& stream_name);
  // Removes rows created before `before_ms`; returns how many.
  Result<int64_t> PurgeBefore(int64_t before_ms);

 private:
  SqlDatabase& db_;
};

}  // namespace liverec::metadata
