// SnapshotMetrics: liverec_snapshots_taken_total, liverec_snapshots_skipped_total (due while the
// worker pool was full: never queued, so ingest never waits) and liverec_snapshots_failed_total
// (decode, store or record failed), and liverec_snapshot_seconds (decode + encode time).
// Thread-safety: any thread.
#pragma once

#include <chrono>

#include "base/metrics.h"

namespace liverec::recorder::snapshot {

class SnapshotMetrics {
 public:
  explicit SnapshotMetrics(metrics::MetricRegistry& registry);

  void Taken(std::chrono::steady_clock::duration encode_time);
  void Skipped() { skipped_.Add(); }
  void Failed() { failed_.Add(); }
  uint64_t TakenCount() const { return taken_.Value(); }
  uint64_t SkippedCount() const { return skipped_.Value(); }
  uint64_t FailedCount() const { return failed_.Value(); }

 private:
  metrics::Counter& taken_;
  metrics::Counter& skipped_;
  metrics::Counter& failed_;
  metrics::Histogram& seconds_;
};

}  // namespace liverec::recorder::snapshot
