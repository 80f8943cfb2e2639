#include "server/server_metrics.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "base/build_info.h"

namespace liverec::server {
namespace {

using metrics::MetricType;
using metrics::Sample;

std::vector<Sample> One(double value) { return {Sample{{}, value}}; }

// A count from the database, or no sample (and a log line) when the query fails.
std::vector<Sample> CountOrNothing(const char* what, const Result<int64_t>& count) {
  if (!count) {
    spdlog::warn("metrics: {}: {}", what, count.error().ToString());
    return {};
  }
  return One(static_cast<double>(*count));
}

}  // namespace

ServerMetrics::ServerMetrics(const Clock& clock)
    : clock_(clock),
      rtmp_received_bytes_(registry_.AddCounter(
          "liverec_rtmp_received_bytes_total",
          "Bytes read from RTMP ingest connections (handshake, commands and media).")),
      relay_connections_refused_(registry_.AddCounter(
          "liverec_relay_connections_refused_total",
          "Connections relays tried to make to addresses the relay address policy refuses "
          "(redirects, playlists, segments, and names that resolve elsewhere than before).")),
      api_(registry_),
      recorder_(registry_),
      callback_attempts_(registry_.AddCounterFamily(
          "liverec_callback_attempts_total",
          "Callback delivery attempts by outcome: delivered, retry (failed, tried again later), "
          "failed (failed and given up).",
          {"outcome"})) {
  registry_
      .AddGauge("process_start_time_seconds",
                "Start time of the process since the Unix epoch in seconds.")
      .Set(static_cast<double>(clock_.NowMs()) / 1000.0);
  registry_
      .AddGaugeFamily("liverec_build_info", "The version and git commit liverec was built from.",
                      {"version", "commit"})
      .With({BuildVersion(), BuildCommit()})
      .Set(1);
  for (const char* outcome : {"delivered", "retry", "failed"}) callback_attempts_.With({outcome});
}

void ServerMetrics::CallbackAttempted(metadata::CallbackState new_state) {
  switch (new_state) {
    case metadata::CallbackState::kDelivered:
      callback_attempts_.With({"delivered"}).Add();
      break;
    case metadata::CallbackState::kPending:
      callback_attempts_.With({"retry"}).Add();
      break;
    case metadata::CallbackState::kFailed:
      callback_attempts_.With({"failed"}).Add();
      break;
  }
}

recorder::SpoolUsage ServerMetrics::SpoolUsageCached(const recorder::Spool& spool) {
  std::lock_guard lock(spool_mutex_);
  int64_t now = clock_.NowMs();
  if (spool_measured_ms_ < 0 || now - spool_measured_ms_ >= kSpoolCacheMs ||
      now < spool_measured_ms_) {
    spool_usage_ = recorder::MeasureSpoolUsage(spool);
    spool_measured_ms_ = now;
    if (!spool_usage_.complete) {
      spdlog::warn(
          "metrics: the spool holds too many files to count them all; spool metrics "
          "are lower bounds");
    }
  }
  return spool_usage_;
}

int64_t ServerMetrics::UploadLagMs(const recorder::Spool& spool) {
  auto oldest = SpoolUsageCached(spool).oldest_backlog_ms;
  return oldest ? std::max<int64_t>(0, clock_.NowMs() - *oldest) : 0;
}

void ServerMetrics::AddSources(const MetricSources& s) {
  registry_.AddCollected("liverec_streams_live", "Streams being published to this node now.",
                         MetricType::kGauge,
                         [&streams = s.streams] { return One(double(streams.LiveCount())); });
  registry_.AddCollected(
      "liverec_streams_recording", "Live streams whose recording task is recording now.",
      MetricType::kGauge,
      [&controls = s.live_controls] { return One(double(controls.CountRecording())); });
  if (s.rtmp) {
    registry_.AddCollected("liverec_rtmp_connections", "Open RTMP connections.", MetricType::kGauge,
                           [rtmp = s.rtmp] { return One(double(rtmp->connections())); });
  }
  const recorder::Spool* spool = &s.spool;
  registry_.AddCollected(
      "liverec_spool_backlog_slices",
      "Closed slices in the spool waiting to be stored and indexed (the upload backlog).",
      MetricType::kGauge,
      [this, spool] { return One(double(SpoolUsageCached(*spool).backlog_slices)); });
  registry_.AddCollected(
      "liverec_spool_backlog_bytes", "Bytes of the closed slices waiting in the spool.",
      MetricType::kGauge,
      [this, spool] { return One(double(SpoolUsageCached(*spool).backlog_bytes)); });
  registry_.AddCollected(
      "liverec_upload_lag_seconds",
      "How long the oldest closed slice in this node's spool has waited to be stored and indexed "
      "(0 when none waits): the upload lag, which bounds what only this node's spool holds.",
      MetricType::kGauge, [this, spool] { return One(double(UploadLagMs(*spool)) / 1000.0); });
  registry_.AddCollected(
      "liverec_spool_bytes",
      "Bytes of every file in the spool (backlog, slices being written, held slices of MP4/FLV "
      "cycles, files being composed).",
      MetricType::kGauge,
      [this, spool] { return One(double(SpoolUsageCached(*spool).total_bytes)); });
  registry_.AddCollected("liverec_callback_outbox_pending_events",
                         "Callback events waiting to be delivered (the outbox depth).",
                         MetricType::kGauge, [&outbox = s.callback_outbox] {
                           return CountOrNothing("callback outbox", outbox.CountPending());
                         });
  registry_.AddCollected("liverec_callback_outbox_failed_events",
                         "Callback events given up on, kept until the history is purged "
                         "(callbacks.history_retention_days).",
                         MetricType::kGauge, [&outbox = s.callback_outbox] {
                           return CountOrNothing("callback outbox", outbox.CountFailed());
                         });
  registry_.AddCollected(
      "liverec_relay_tasks",
      "Pull-to-push relay tasks by status: -1 exited, 0 idle, 1 running, 2 recovering, 3 offline.",
      MetricType::kGauge, [&tasks = s.relay_tasks] {
        auto counts = tasks.CountByStatus();
        if (!counts) {
          spdlog::warn("metrics: relay tasks: {}", counts.error().ToString());
          return std::vector<Sample>{};
        }
        std::vector<Sample> samples;
        for (int64_t status : {-1, 0, 1, 2, 3}) {
          auto it = counts->find(status);
          samples.push_back(Sample{{{"status", std::to_string(status)}},
                                   it == counts->end() ? 0.0 : double(it->second)});
        }
        return samples;
      });
}

void ServerMetrics::AddNode(const std::string& node_id, ClusterNode* cluster) {
  registry_
      .AddGaugeFamily("liverec_node_info",
                      "This node's [cluster] node_id, as a label to join other series on.",
                      {"node_id"})
      .With({node_id})
      .Set(1);
  if (cluster == nullptr) return;
  registry_.AddCollected(
      "liverec_cluster_nodes_live",
      "Nodes of the cluster whose membership lease is live now, this one included.",
      MetricType::kGauge,
      [cluster] { return CountOrNothing("cluster nodes", cluster->CountLiveNodes()); });
  registry_.AddCollected("liverec_cluster_lease_held",
                         "1 while this node holds its membership lease (else /healthz is 503).",
                         MetricType::kGauge,
                         [cluster] { return One(cluster->Health().ok() ? 1.0 : 0.0); });
}

}  // namespace liverec::server
