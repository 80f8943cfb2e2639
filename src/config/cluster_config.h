// [cluster] (docs/configuration.md, docs/cluster.md): how this node takes part in a cluster of
// nodes sharing one PostgreSQL database. Unused on SQLite (a single node).
// Thread-safety: plain data and pure functions (DefaultNodeId reads the host name).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace liverec::config {

struct ClusterConfig {
  // This node's stable name in the cluster: its membership lease, metrics label and row in
  // `nodes`. Default: the host name. One running process per node id.
  std::string node_id;
  // The membership lease: renewed every lease_seconds / 3; a node that has not renewed it for
  // this long counts as dead.
  int64_t lease_seconds = 10;
  // host:port other nodes and operators reach this node at; "" = the listen address with the
  // bound port, the host name standing in for a wildcard host (0.0.0.0, [::]).
  std::string advertise_http;
  std::string advertise_rtmp;
  // How long an API call waits for the node a stream is live on to answer a command for it
  // (RealTimeRecordCommand; Cluster.CommandTimeout after that).
  int64_t command_timeout_ms = 1000;
};

// Production bounds of lease_seconds; [testing] min_lease_seconds may lower the minimum.
inline constexpr int64_t kMinLeaseSeconds = 5;
inline constexpr int64_t kMaxLeaseSeconds = 300;
inline constexpr int64_t kMinCommandTimeoutMs = 100;
inline constexpr int64_t kMaxCommandTimeoutMs = 60'000;

// 1-64 of A-Z a-z 0-9 . _ - (a label value, a file name, a lease name).
bool IsValidNodeId(std::string_view node_id);

// The host name, or "" when it cannot be read.
std::string DefaultNodeId();

// Fills node_id from the host name when empty, and checks every key; `min_lease_seconds` is
// kMinLeaseSeconds unless [testing] lowers it.
void ValidateCluster(ClusterConfig& cluster, int64_t min_lease_seconds,
                     std::vector<std::string>& problems);

}  // namespace liverec::config
