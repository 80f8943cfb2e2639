// RecorderMetrics: what the recorder counts for /metrics — slices stored in their bucket, store
// attempts that failed (the slice stays in the spool and is retried), and how long a successful
// store took; recordings that failed because their bucket refused them for good, and the slices
// set aside for it; packets a StreamRecorder dropped because their stream's codec configuration
// changed more often than slices may be cut; slices the spool could not take (a full or failing
// disk): cut short at the failed write, or lost whole. SliceFinisher reports each attempt to
// store a slice (m3u8 recordings; slices only MP4/FLV cycles use are held, not stored).
// Thread-safety: any thread.
#pragma once

#include <chrono>

#include "base/metrics.h"

namespace liverec::recorder {

class RecorderMetrics {
 public:
  // Registers liverec_slices_stored_total, liverec_slice_store_failures_total,
  // liverec_slice_store_duration_seconds, liverec_recordings_failed_total and
  // liverec_slices_set_aside_total, liverec_config_change_packets_dropped_total,
  // liverec_slices_cut_short_total and liverec_slices_lost_total in `registry`.
  explicit RecorderMetrics(metrics::MetricRegistry& registry);

  // One attempt to store a slice, begun at `started`.
  void SliceStoreDone(bool stored, std::chrono::steady_clock::time_point started);
  // A recording failed because its bucket refused it for good (SliceFinisher::Fail).
  void RecordingFailed() { recordings_failed_.Add(); }
  // A slice was set aside in the spool's failed/ directory.
  void SliceSetAside() { set_aside_.Add(); }
  // A packet was dropped under a codec configuration change held off (ConfigChangeLimiter).
  void ConfigChangePacketDropped() { config_drops_.Add(); }
  uint64_t ConfigChangePacketsDropped() const { return config_drops_.Value(); }
  // A write into the spool failed: the slice was kept up to its last whole TS packet.
  void SliceCutShort() { cut_short_.Add(); }
  // A slice was lost whole: its spool file could not be created, or nothing of it was written.
  void SliceLost() { lost_.Add(); }
  uint64_t SlicesCutShort() const { return cut_short_.Value(); }
  uint64_t SlicesLost() const { return lost_.Value(); }

 private:
  metrics::Counter& stored_;
  metrics::Counter& failed_;
  metrics::Histogram& seconds_;
  metrics::Counter& recordings_failed_;
  metrics::Counter& set_aside_;
  metrics::Counter& config_drops_;
  metrics::Counter& cut_short_;
  metrics::Counter& lost_;
};

}  // namespace liverec::recorder
