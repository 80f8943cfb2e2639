// StreamCommandRepository: commands for a stream live on another node (docs/cluster.md "Live
// streams and commands across nodes"), table `stream_commands`. The node that took the API call
// inserts a pending row naming the target node and wakes it (Notify, PostgreSQL NOTIFY); the
// target claims its pending rows (pending -> running), runs each and completes it (-> done, with
// the result) and wakes the origin. An origin that gives up cancels its row (pending ->
// cancelled), so a command is never run after its caller was told it timed out; a row the target
// claimed first is run and completed. Each change is one conditional UPDATE, so a claim and a
// cancel never both succeed. Rows are purged after a while (PurgeBefore).
// Thread-safety: any thread (the SqlDatabase serializes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metadata/sql_database.h"

namespace liverec::metadata {

inline constexpr std::string_view kCommandPending = "pending";
inline constexpr std::string_view kCommandRunning = "running";
inline constexpr std::string_view kCommandDone = "done";
inline constexpr std::string_view kCommandCancelled = "cancelled";

struct StreamCommandRow {
  std::string id;  // UUIDv7
  std::string target_node;
  std::string origin_node;
  std::string account_id;
  std::string domain_name;
  std::string app_name;
  std::string stream_name;
  std::string kind;     // what to do, e.g. "RealTimeRecordCommand"
  std::string payload;  // its argument (text)
  std::string state = std::string(kCommandPending);
  // The result once done: an error's catalogue name ("" = success), argument and detail, and
  // what a success returns (text).
  std::string result_code;
  std::string result_arg;
  std::string result_detail;
  std::string result;
  int64_t created_at_ms = 0;
  int64_t deadline_ms = 0;  // not claimed after this (the origin has given up)
  int64_t done_at_ms = 0;   // completed or cancelled; 0 before
};

class StreamCommandRepository {
 public:
  explicit StreamCommandRepository(SqlDatabase& db) : db_(db) {}

  Status Insert(const StreamCommandRow& row);
  // Wakes whoever listens on `channel` (PostgreSQL NOTIFY; nothing on SQLite, which has no
  // other node). A lost wake-up only delays: the target also polls.
  Status Notify(const std::string& channel, const std::string& payload);
  // The pending commands for `node` whose deadline has not passed at `now_ms`, each claimed
  // (running) by this call, oldest first; at most `limit`.
  Result<std::vector<StreamCommandRow>> ClaimPending(const std::string& node, int64_t now_ms,
                                                     int limit = 32);
  // Stores the result of a running command (-> done). False when it was not running.
  Result<bool> Complete(const StreamCommandRow& row, int64_t now_ms);
  // Cancels a pending command (-> cancelled). False when it was claimed (or done) already.
  Result<bool> Cancel(const std::string& id, int64_t now_ms);
  Result<std::optional<StreamCommandRow>> Get(const std::string& id);
  // Deletes the commands created before `before_ms`, whatever their state.
  Result<int64_t> PurgeBefore(int64_t before_ms);

 private:
  SqlDatabase& db_;
};

}  // namespace liverec::metadata
