#include "server/cluster_node.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "base/ids.h"
#include "cluster/advertise_address.h"

namespace liverec::server {

namespace {

// "<node id> <instance id>" of the last run on this data directory, or "".
std::string PreviousInstance(const std::string& file, const std::string& node_id) {
  std::ifstream in(file);
  std::string node, instance;
  if (!(in >> node >> instance) || node != node_id) return "";
  return instance;
}

// Written to a temporary file and renamed, so a crash leaves the old line or the new one.
void RememberInstance(const std::string& file, const std::string& node_id,
                      const std::string& instance) {
  std::string tmp = file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << node_id << " " << instance << "\n";
    if (!out.flush()) {
      spdlog::warn("cluster: cannot write {}: a restart after a crash waits out the lease", tmp);
      return;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) spdlog::warn("cluster: cannot write {}: {}", file, ec.message());
}

}  // namespace

Result<std::unique_ptr<ClusterNode>> ClusterNode::Start(metadata::SqlDatabase& db,
                                                        const Clock& clock, RandomSource& random,
                                                        const config::ClusterConfig& config,
                                                        const std::string& data_dir,
                                                        cluster::LoadFn load) {
  std::string file = data_dir.empty() ? "" : data_dir + "/" + std::string(kInstanceFile);
  std::string previous = file.empty() ? "" : PreviousInstance(file, config.node_id);
  std::unique_ptr<ClusterNode> node(
      new ClusterNode(db, clock, NewId(clock, random), config, std::move(load)));
  Status joined = node->membership_.Join(
      [](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }, previous);
  if (!joined.ok()) return Error(joined);
  node->previous_instance_ = previous;
  if (!file.empty()) RememberInstance(file, config.node_id, node->membership_.instance_id());
  // Held by this run's instance id; the previous run's leases are taken over at once.
  for (auto [kind, leases] :
       {std::pair{"publish", &node->publish_leases_}, std::pair{"record", &node->record_leases_}}) {
    *leases = std::make_unique<cluster::StreamLeases>(
        db, clock, kind, node->membership_.instance_id(), config.lease_seconds * 1000, previous);
  }
  node->heartbeat_.Start();
  return node;
}

void ClusterNode::RenewStreamLeases() {
  std::vector<std::string> lost = publish_leases_->RenewAll();
  record_leases_->RenewAll();
  if (lost.empty()) return;
  std::lock_guard lock(lost_mutex_);
  for (const auto& name : lost) {
    spdlog::warn("cluster: another node took the publish of {} over; its publisher here goes",
                 name);
    if (publish_lost_) publish_lost_(name);
  }
}

Status ClusterNode::SetListeners(const std::string& http_listen, uint16_t http_port,
                                 const std::string& rtmp_listen, uint16_t rtmp_port) {
  std::string host = config::DefaultNodeId();
  return membership_.SetAddresses(
      cluster::AdvertiseAddress(config_.advertise_http, http_listen, http_port, host),
      cluster::AdvertiseAddress(config_.advertise_rtmp, rtmp_listen, rtmp_port, host));
}

}  // namespace liverec::server
