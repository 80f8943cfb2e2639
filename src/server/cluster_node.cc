#include "server/cluster_node.h"

#include <chrono>
#include <thread>

#include "base/ids.h"
#include "cluster/advertise_address.h"

namespace liverec::server {

Result<std::unique_ptr<ClusterNode>> ClusterNode::Start(metadata::SqlDatabase& db,
                                                        const Clock& clock, RandomSource& random,
                                                        const config::ClusterConfig& config,
                                                        cluster::LoadFn load) {
  std::unique_ptr<ClusterNode> node(
      new ClusterNode(db, clock, NewId(clock, random), config, std::move(load)));
  Status joined = node->membership_.Join(
      [](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); });
  if (!joined.ok()) return Error(joined);
  node->heartbeat_.Start();
  return node;
}

Status ClusterNode::SetListeners(const std::string& http_listen, uint16_t http_port,
                                 const std::string& rtmp_listen, uint16_t rtmp_port) {
  std::string host = config::DefaultNodeId();
  return membership_.SetAddresses(
      cluster::AdvertiseAddress(config_.advertise_http, http_listen, http_port, host),
      cluster::AdvertiseAddress(config_.advertise_rtmp, rtmp_listen, rtmp_port, host));
}

}  // namespace liverec::server
