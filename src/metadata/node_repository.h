// NodeRepository: the nodes of a cluster (docs/cluster.md "Membership"). Each node writes its
// row at start and at every heartbeat: how to reach it, what it runs, its load. Whether a node
// is alive is not in its row but in its membership lease, ('node', node_id) in LeaseRepository:
// List joins the two. Rows stay after a node stops (listed as dead) until deleted by hand.
// Thread-safety: any thread (the SqlDatabase serializes).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "metadata/lease_repository.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

// The lease kind of node membership; the lease's name is the node id.
inline constexpr std::string_view kNodeLeaseKind = "node";

struct NodeRow {
  std::string node_id;
  std::string advertise_http;  // host:port other nodes and operators reach its HTTP API at
  std::string advertise_rtmp;  // host:port publishers reach it at
  std::string version;         // liverec's version
  int64_t started_at_ms = 0;
  int64_t heartbeat_at_ms = 0;  // the last write of this row
  int64_t live_streams = 0;     // streams being published to it
  int64_t relays_running = 0;   // relays it runs
  // How long the oldest slice waiting in its spool to be stored has waited (0: none waits), as
  // liverec_upload_lag_seconds: what only that node's spool holds.
  int64_t upload_lag_ms = 0;
};

// A node with its membership lease as the database holds it.
struct NodeStatus {
  NodeRow node;
  std::string holder;  // the process holding the lease; "" = none
  int64_t epoch = 0;
  int64_t lease_expires_at_ms = 0;
  bool live = false;  // holder != "" and the lease had not expired at the `now_ms` asked about
  // The other leases its holder (the node's process) holds, unexpired at `now_ms`, by kind
  // ("publish", "record", "relay"): the streams and relay tasks it owns.
  std::map<std::string, int64_t> leases_held;
};

class NodeRepository {
 public:
  explicit NodeRepository(SqlDatabase& db) : db_(db) {}

  // Inserts the row or replaces every column of it, through `session` (the database, or a
  // transaction that fenced the write with LeaseRepository::CheckFence).
  static Status Save(SqlSession& session, const NodeRow& row);
  // Every node, by id, with its lease and the leases it holds; live as seen at `now_ms`.
  Result<std::vector<NodeStatus>> List(int64_t now_ms);
  // Nodes whose membership lease is live at `now_ms`.
  Result<int64_t> CountLive(int64_t now_ms);

 private:
  SqlDatabase& db_;
};

}  // namespace liverec::metadata
