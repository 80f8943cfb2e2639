// NodeListingSource: what DescribeLiveClusterNodes lists (docs/api/cluster.md). On PostgreSQL, the
// cluster's nodes as the database holds them (metadata::NodeRepository: their rows, membership
// leases and the leases each holds); on SQLite, this node alone, described by the process itself
// (no lease: it is live while it answers).
// Thread-safety: SetListeners before the HTTP server starts; List from any thread.
#pragma once

#include <cstdint>
#include <string>

#include "api/action_context.h"
#include "cluster/membership.h"
#include "config/cluster_config.h"
#include "metadata/sql_database.h"

namespace liverec::server {

class NodeListingSource {
 public:
  // `cluster_mode`: the database is shared by the nodes of a cluster (PostgreSQL). `load` gives
  // this node's load when it lists itself alone.
  NodeListingSource(metadata::SqlDatabase& db, bool cluster_mode, int64_t lease_ms,
                    std::string node_id, std::string version, int64_t started_at_ms,
                    cluster::LoadFn load);

  // Once the listeners are bound: the addresses this node lists for itself alone, as a cluster
  // node registers them ([cluster] advertise_*, or each listen address with its bound port).
  void SetListeners(const config::ClusterConfig& cluster, const std::string& http_listen,
                    uint16_t http_port, const std::string& rtmp_listen, uint16_t rtmp_port);

  Result<api::NodeListing> List(int64_t now_ms) const;

 private:
  metadata::SqlDatabase& db_;
  const bool cluster_mode_;
  const int64_t lease_ms_;
  metadata::NodeRow self_;
  cluster::LoadFn load_;
};

}  // namespace liverec::server
