#include "recorder/recorder_metrics.h"

namespace liverec::recorder {

RecorderMetrics::RecorderMetrics(metrics::MetricRegistry& registry)
    : stored_(registry.AddCounter("liverec_slices_stored_total",
                                  "TS slices stored in their bucket (m3u8 recordings).")),
      failed_(registry.AddCounter(
          "liverec_slice_store_failures_total",
          "Attempts to store a slice that failed; the slice stays in the spool and is retried.")),
      seconds_(registry.AddHistogram("liverec_slice_store_duration_seconds",
                                     "Time to store one slice in its bucket (successful stores).",
                                     metrics::LatencySecondsBuckets())) {}

void RecorderMetrics::SliceStoreDone(bool stored, std::chrono::steady_clock::time_point started) {
  if (!stored) {
    failed_.Add();
    return;
  }
  stored_.Add();
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  seconds_.Observe(took.count());
}

}  // namespace liverec::recorder
