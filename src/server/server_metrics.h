// ServerMetrics: the server's metric registry and every liverec_* metric /metrics serves
// (docs/operations.md lists them). The metrics that components count themselves (RTMP bytes,
// API requests, slice stores, callback attempts) exist from construction and are handed to
// those components by the composition root; the rest are computed when /metrics is read, from
// the components AddSources is given (live streams, recording tasks, the spool, the callback
// outbox, relay tasks). A database count failing leaves its metric out of that scrape (and logs).
// Thread-safety: counting from any thread; AddSources once, before the HTTP server starts.
#pragma once

#include <cstdint>
#include <mutex>

#include "api/api_metrics.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "ingest/stream_registry.h"
#include "metadata/callback_outbox_repository.h"
#include "metadata/relay_task_repository.h"
#include "net/tcp_server.h"
#include "recorder/live_controls.h"
#include "recorder/recorder_metrics.h"
#include "recorder/spool.h"
#include "recorder/spool_usage.h"
#include "server/cluster_node.h"

namespace liverec::server {

// Where the scrape-time metrics come from; each must outlive the ServerMetrics' scrapes.
struct MetricSources {
  const ingest::StreamRegistry& streams;
  const recorder::LiveControls& live_controls;
  const recorder::Spool& spool;
  metadata::CallbackOutboxRepository& callback_outbox;
  metadata::RelayTaskRepository& relay_tasks;
  const net::TcpServer* rtmp = nullptr;  // connections; null: not shown
};

class ServerMetrics {
 public:
  // The spool walk is reused for this long (it is bounded, but a scrape every second should not
  // walk a large backlog every second).
  static constexpr int64_t kSpoolCacheMs = 2000;

  // `clock` gives process_start_time_seconds (now) and ages the spool cache.
  explicit ServerMetrics(const Clock& clock);

  metrics::MetricRegistry& registry() { return registry_; }
  metrics::Counter& rtmp_received_bytes() { return rtmp_received_bytes_; }
  // Connections of relays refused by the address policy (relay/egress/).
  metrics::Counter& relay_connections_refused() { return relay_connections_refused_; }
  api::ApiMetrics& api() { return api_; }
  recorder::RecorderMetrics& recorder() { return recorder_; }
  // A callback delivery attempt's outcome (callbacks::DeliveryOptions::on_attempt).
  void CallbackAttempted(metadata::CallbackState new_state);

  void AddSources(const MetricSources& sources);
  // How long the oldest closed slice in `spool` has waited to be stored (0: none waits), from
  // the cached spool walk: liverec_upload_lag_seconds, and the lag a cluster node reports.
  int64_t UploadLagMs(const recorder::Spool& spool);
  // liverec_node_info{node_id} 1, and on a cluster node (`cluster` not null, PostgreSQL) the
  // live nodes and whether this one holds its lease, read at scrape time. Once.
  void AddNode(const std::string& node_id, ClusterNode* cluster);

 private:
  recorder::SpoolUsage SpoolUsageCached(const recorder::Spool& spool);

  const Clock& clock_;
  metrics::MetricRegistry registry_;
  metrics::Counter& rtmp_received_bytes_;
  metrics::Counter& relay_connections_refused_;
  api::ApiMetrics api_;
  recorder::RecorderMetrics recorder_;
  metrics::Family<metrics::Counter>& callback_attempts_;
  std::mutex spool_mutex_;
  recorder::SpoolUsage spool_usage_;
  int64_t spool_measured_ms_ = -1;
};

}  // namespace liverec::server
