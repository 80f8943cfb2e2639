// ClusterNode: this server as a node of a cluster on PostgreSQL (docs/cluster.md): joins at
// start (cluster::Membership: the node lease, refused with NodeIdInUse while another process
// holds the node id), renews on its HeartbeatThread, reports to /healthz and /metrics, and
// leaves at shutdown. Not made on SQLite: a single node has no membership.
// Thread-safety: Start and Stop from the server's thread; Health and the counts from any thread.
#pragma once

#include <functional>
#include <mutex>

#include <memory>
#include <string>

#include "base/build_info.h"
#include "base/clock.h"
#include "base/random.h"
#include "cluster/heartbeat_thread.h"
#include "cluster/membership.h"
#include "cluster/stream_leases.h"
#include "config/config.h"
#include "metadata/node_repository.h"
#include "metadata/sql_database.h"

namespace liverec::server {

class ClusterNode {
 public:
  // Joins (waiting up to one lease for a lapsed holder, see Membership::Join) and starts the
  // heartbeat: early in the start, before the node does any work. `load` is called on the
  // heartbeat thread. `data_dir` (locked by this process, DirectoryLock) keeps the instance id
  // of the run in kInstanceFile: a restart after a crash takes over the lease that run left at
  // once, since the lock proves that run has ended. "" = not remembered.
  static Result<std::unique_ptr<ClusterNode>> Start(metadata::SqlDatabase& db, const Clock& clock,
                                                    RandomSource& random,
                                                    const config::ClusterConfig& config,
                                                    const std::string& data_dir,
                                                    cluster::LoadFn load);
  static constexpr std::string_view kInstanceFile = "cluster-instance";
  // Once the listeners are bound: registers the addresses ([cluster] advertise_*, or each
  // listen address with its bound port).
  Status SetListeners(const std::string& http_listen, uint16_t http_port,
                      const std::string& rtmp_listen, uint16_t rtmp_port);
  ~ClusterNode() { Stop(); }

  // Stops the heartbeat and releases the lease. Idempotent.
  void Stop() { heartbeat_.Stop(); }
  Status Health() const { return membership_.Health(); }
  // The node's stream leases (docs/cluster.md "Stream ownership"), renewed after every beat:
  // "publish" (one publisher per stream cluster-wide) and "record" (the fence of a stream's
  // recording writes).
  cluster::StreamLeases& publish_leases() { return *publish_leases_; }
  cluster::StreamLeases& record_leases() { return *record_leases_; }
  // Called on the heartbeat thread with the name of each "publish" lease the node lost (another
  // node took the stream over while this one was paused or cut off): its publisher here must go.
  // Set once, early (any thread).
  void OnPublishLost(std::function<void(const std::string& name)> lost) {
    std::lock_guard lock(lost_mutex_);
    publish_lost_ = std::move(lost);
  }
  // Nodes whose lease is live now (one query).
  Result<int64_t> CountLiveNodes() { return nodes_.CountLive(clock_.NowMs()); }
  const cluster::Membership& membership() const { return membership_; }
  // The instance id of this node's previous run on its data directory, which has ended (the
  // directory lock): the leases it held are free ("" = none known).
  const std::string& previous_instance() const { return previous_instance_; }

 private:
  ClusterNode(metadata::SqlDatabase& db, const Clock& clock, std::string instance_id,
              const config::ClusterConfig& config, cluster::LoadFn load)
      : clock_(clock),
        config_(config),
        membership_(db, clock, std::move(instance_id),
                    {config.node_id, config.advertise_http, config.advertise_rtmp,
                     std::string(BuildVersion())},
                    config.lease_seconds * 1000, std::move(load)),
        heartbeat_(membership_, [this] { RenewStreamLeases(); }),
        nodes_(db) {}

  void RenewStreamLeases();

  const Clock& clock_;
  config::ClusterConfig config_;
  cluster::Membership membership_;
  cluster::HeartbeatThread heartbeat_;
  metadata::NodeRepository nodes_;
  std::unique_ptr<cluster::StreamLeases> publish_leases_;  // made before the heartbeat starts
  std::unique_ptr<cluster::StreamLeases> record_leases_;
  std::string previous_instance_;
  std::mutex lost_mutex_;
  std::function<void(const std::string&)> publish_lost_;  // guarded by lost_mutex_
};

}  // namespace liverec::server
