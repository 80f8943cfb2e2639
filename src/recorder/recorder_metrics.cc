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
                                     metrics::LatencySecondsBuckets())),
      recordings_failed_(registry.AddCounter(
          "liverec_recordings_failed_total",
          "Recordings that failed because their bucket refused them for good (an invalid key, "
          "access denied, a missing bucket); other recordings are not affected.")),
      set_aside_(registry.AddCounter(
          "liverec_slices_set_aside_total",
          "Slices kept in the spool's failed/ directory because their bucket refused them.")),
      config_drops_(registry.AddCounter(
          "liverec_config_change_packets_dropped_total",
          "Packets dropped because their stream changed codec configuration more often than a "
          "new slice may be cut (the change was held off; see docs/recording.md).")),
      cut_short_(registry.AddCounter(
          "liverec_slices_cut_short_total",
          "Slices cut short because a write into the spool failed (a full or failing disk); "
          "what was written before is kept.")),
      lost_(registry.AddCounter(
          "liverec_slices_lost_total",
          "Slices lost whole because the spool could not take them (a full or failing disk).")) {}

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
