#include "server/node_listing.h"

#include <utility>

#include "cluster/advertise_address.h"
#include "metadata/node_repository.h"

namespace liverec::server {

NodeListingSource::NodeListingSource(metadata::SqlDatabase& db, bool cluster_mode, int64_t lease_ms,
                                     std::string node_id, std::string version,
                                     int64_t started_at_ms, cluster::LoadFn load)
    : db_(db), cluster_mode_(cluster_mode), lease_ms_(lease_ms), load_(std::move(load)) {
  self_.node_id = std::move(node_id);
  self_.version = std::move(version);
  self_.started_at_ms = started_at_ms;
}

void NodeListingSource::SetListeners(const config::ClusterConfig& cluster,
                                     const std::string& http_listen, uint16_t http_port,
                                     const std::string& rtmp_listen, uint16_t rtmp_port) {
  std::string host = config::DefaultNodeId();
  self_.advertise_http =
      cluster::AdvertiseAddress(cluster.advertise_http, http_listen, http_port, host);
  self_.advertise_rtmp =
      cluster::AdvertiseAddress(cluster.advertise_rtmp, rtmp_listen, rtmp_port, host);
}

Result<api::NodeListing> NodeListingSource::List(int64_t now_ms) const {
  api::NodeListing listing{cluster_mode_, self_.node_id, cluster_mode_ ? lease_ms_ : 0, {}};
  if (cluster_mode_) {
    auto nodes = metadata::NodeRepository(db_).List(now_ms);
    if (!nodes) return Error(nodes.error());
    listing.nodes = std::move(*nodes);
    return listing;
  }
  metadata::NodeStatus self{.node = self_, .live = true};
  self.node.heartbeat_at_ms = now_ms;  // it answers now
  if (load_) {
    cluster::NodeLoad load = load_();
    self.node.live_streams = load.live_streams;
    self.node.relays_running = load.relays_running;
    self.node.upload_lag_ms = load.upload_lag_ms;
  }
  listing.nodes.push_back(std::move(self));
  return listing;
}

}  // namespace liverec::server
