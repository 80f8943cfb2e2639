// StreamDirectory: this node's part of the cluster-wide directory of live streams, and the
// reads of everyone else's (docs/cluster.md "Live streams and commands across nodes"). Ingest
// reports each publish (Published, Measured, Ended) from its I/O threads; those calls only note
// the change in memory and never touch the database. A writer thread of its own writes it:
// a new stream's row and a left stream's delete at once (within milliseconds: the row is in
// the table long before the publish callback, which waits 2 s), every live stream's row with
// its latest measurements every refresh period (a few seconds, in one transaction), a changed
// recording state (record_status) at once, and every
// purge period deletes the rows of nodes whose lease lapsed (OnlineStreamRepository::PurgeDead).
// A failed write is tried again at the next round. The rows carry the node's membership holder,
// so those of an earlier run of this node (deleted at Start) or of a process that lost the
// node's lease are never listed.
// Thread-safety: Published, Measured, Ended and the reads from any thread; Start and Stop from
// one thread (the server's).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "metadata/online_stream_repository.h"
#include "metadata/sql_database.h"

namespace liverec::cluster {

struct DirectoryOptions {
  int64_t refresh_ms = 5000;  // every live stream's measurements
  int64_t purge_ms = 30'000;  // rows of dead nodes
};

class StreamDirectory {
 public:
  // `holder`: this process's membership holder (Membership::instance_id).
  StreamDirectory(metadata::SqlDatabase& db, const Clock& clock, std::string node_id,
                  std::string holder, DirectoryOptions options = {});
  ~StreamDirectory() { Stop(); }
  StreamDirectory(const StreamDirectory&) = delete;
  StreamDirectory& operator=(const StreamDirectory&) = delete;

  // Deletes the rows earlier runs of this node left, and starts the writer thread.
  void Start();
  // Writes what is pending (the deletes of the streams that ended) and joins the thread.
  void Stop();

  // A publish on this node: `row` without node_id/holder (filled in here). Never blocks.
  void Published(metadata::OnlineStreamRow row);
  // Fresh measurements of a live stream (written at the next refresh), and its recording state
  // (written at once, like a publish, when it changed). Never blocks.
  void Measured(const metadata::OnlineStreamRow& row);
  // The publisher left. Never blocks.
  void Ended(const metadata::OnlineStreamRow& row);

  // The streams of `account_id` on `domain` live on the other nodes, by app, stream, node.
  Result<std::vector<metadata::OnlineStreamRow>> ListOthers(const std::string& account_id,
                                                            const std::string& domain);
  // The node another than this one the stream is live on (the first by node id if, for a
  // moment, two have it), or nullopt.
  Result<std::optional<std::string>> FindOwner(const std::string& account_id,
                                               const std::string& domain, const std::string& app,
                                               const std::string& stream);

  // One round of the writer: the urgent writes, and the refresh and the purge when due (by the
  // Clock). Status of the first failure; what failed is tried again at the next round. The
  // writer thread calls it; tests call it directly.
  Status WriteRound();

  const std::string& node_id() const { return node_id_; }

 private:
  static std::string Key(const metadata::OnlineStreamRow& row);
  void Run();
  Status WriteUrgent();
  Status Refresh();

  metadata::SqlDatabase& db_;
  const Clock& clock_;
  const std::string node_id_;
  const std::string holder_;
  const DirectoryOptions options_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, metadata::OnlineStreamRow> live_;     // by Key
  std::map<std::string, metadata::OnlineStreamRow> added_;    // not written yet
  std::map<std::string, metadata::OnlineStreamRow> removed_;  // deletes not written yet
  int64_t next_refresh_ms_ = 0;  // writer thread only, like next_purge_ms_
  int64_t next_purge_ms_ = 0;
  std::thread thread_;
};

}  // namespace liverec::cluster
