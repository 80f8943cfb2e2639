// OnlineStreamRepository: the cluster-wide directory of live streams (docs/cluster.md "Live
// streams and commands across nodes"), table `online_streams`. The node a publisher is connected
// to writes one row per live stream, with its node id and its membership holder (the process
// holding the node's lease), and refreshes its measurements every few seconds; it deletes the
// row when the publisher leaves. A row counts only while its holder holds its node's lease
// (kind 'node', LeaseRepository): the reads join the two, so the streams of a node that died or
// was paused past its lease, or of an earlier run of a node, are never listed; PurgeDead deletes
// them. Rows have no fencing: they describe, they do not decide.
// Thread-safety: any thread (the SqlDatabase serializes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "metadata/sql_database.h"

namespace liverec::metadata {

struct OnlineStreamRow {
  std::string account_id;
  std::string domain_name;  // the streaming domain
  std::string app_name;
  std::string stream_name;
  std::string node_id;  // the node the publisher is connected to
  std::string holder;   // that node's membership holder (its process)
  std::string ingest_domain;
  std::string client_ip;
  std::string server_ip;
  int64_t publish_time_ms = 0;
  std::string video_codec;  // "h264", "hevc", ... or "" (no video yet)
  std::string audio_codec;  // "aac", "mp3" or ""
  int64_t width = 0;
  int64_t height = 0;
  int64_t frame_rate = 0;
  int64_t video_kbps = 0;
  int64_t audio_kbps = 0;
  int64_t updated_at_ms = 0;  // the last write of the row
  // The stream's recording task: "recording", "stopped" or "idle" (recorder::TaskStateName);
  // "" when the node did not say (a row written before migration 24).
  std::string record_status;
};

class OnlineStreamRepository {
 public:
  explicit OnlineStreamRepository(SqlSession& db) : db_(db) {}

  // Inserts the row or replaces its holder and every measured column.
  Status Upsert(const OnlineStreamRow& row);
  // Deletes the row of (account, domain, app, stream) on `node_id` written by `holder`; a row a
  // newer holder of the node wrote stays. True when there was one.
  Result<bool> Remove(const OnlineStreamRow& row);
  // Deletes the rows of `node_id` that another holder wrote (an earlier run of this node).
  Result<int64_t> RemoveOtherHolders(const std::string& node_id, const std::string& holder);
  // The streams of `account_id` on `domain` live at `now_ms` (their node's lease held by the
  // row's holder), except those of `except_node` (""= none), by app, stream, then node.
  Result<std::vector<OnlineStreamRow>> ListLive(const std::string& account_id,
                                                const std::string& domain, int64_t now_ms,
                                                const std::string& except_node);
  // The rows of one stream live at `now_ms`, except on `except_node`, by node (one, normally).
  Result<std::vector<OnlineStreamRow>> FindLive(const std::string& account_id,
                                                const std::string& domain, const std::string& app,
                                                const std::string& stream, int64_t now_ms,
                                                const std::string& except_node);
  // Deletes the rows whose holder does not hold its node's lease at `now_ms` (a node that died,
  // or an earlier run). A paused node that comes back writes its rows again at its next refresh.
  Result<int64_t> PurgeDead(int64_t now_ms);

 private:
  // SELECT of the live rows: `where` continues the statement; its arguments follow the join's.
  Result<std::vector<OnlineStreamRow>> Select(int64_t now_ms, const std::string& where,
                                              std::vector<SqlValue> args);
  SqlSession& db_;
};

}  // namespace liverec::metadata
