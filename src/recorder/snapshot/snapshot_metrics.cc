#include "recorder/snapshot/snapshot_metrics.h"

namespace liverec::recorder::snapshot {

SnapshotMetrics::SnapshotMetrics(metrics::MetricRegistry& registry)
    : taken_(registry.AddCounter("liverec_snapshots_taken_total",
                                 "Snapshots (JPEG) stored in their bucket.")),
      skipped_(registry.AddCounter(
          "liverec_snapshots_skipped_total",
          "Snapshots not taken because the snapshot workers were all busy and their queue full "
          "(ingest never waits for a snapshot).")),
      failed_(registry.AddCounter(
          "liverec_snapshots_failed_total",
          "Snapshots that failed: the keyframe did not decode, or the bucket or the database "
          "refused it (logged with the reason).")),
      seconds_(registry.AddHistogram("liverec_snapshot_seconds",
                                     "Time to decode one keyframe and encode it as JPEG.",
                                     metrics::LatencySecondsBuckets())) {}

void SnapshotMetrics::Taken(std::chrono::steady_clock::duration encode_time) {
  taken_.Add();
  seconds_.Observe(std::chrono::duration<double>(encode_time).count());
}

}  // namespace liverec::recorder::snapshot
