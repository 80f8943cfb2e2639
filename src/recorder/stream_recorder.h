// StreamRecorder: records one live stream into TS slices (the I/O-thread side). Cuts slices
// with a SliceCutter, times them with a SliceClock, muxes each into a spool file with a
// TsSliceWriter, and hands every closed slice to the stream's SliceFinisher through the
// stream's lane (StreamLanes: a serial executor on the worker pool that keeps the stream's
// backlog), so fsync, storage and database work never run here.
// A codec change or a timestamp jump starts a new slice marked as a discontinuity; a
// ConfigChangeLimiter bounds how often a codec change may do so (a change held off drops the
// packets under the new configuration, counted and logged rate-limited). Once the finisher says
// the recording failed (its bucket refuses it for good), no new slice is cut.
// When the spool refuses a write (a full or failing disk) the open slice is cut short and kept up
// to its last whole TS packet, the next keyframe begins a new slice marked as a discontinuity
// (so the playlist says where media is missing), and the spool's health (for /healthz) and the
// metrics learn of it.
// Thread-safety: none; the connection's coroutine owns it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "base/clock.h"
#include "base/log_rate_limiter.h"
#include "base/random.h"
#include "ingest/stream_observer.h"
#include "media/ts/ts_slice_writer.h"
#include "recorder/config_change_limiter.h"
#include "recorder/recorder_metrics.h"
#include "recorder/slice_clock.h"
#include "recorder/slice_cutter.h"
#include "recorder/slice_finisher.h"
#include "recorder/spool.h"
#include "recorder/stream_lanes.h"

namespace liverec::recorder {

class StreamRecorder final : public ingest::StreamObserver {
 public:
  // `previous_end_ms`: where the stream's previous publish ended (UTC); slices start after it.
  // `on_slice_end` is told the end of every slice this recorder closes; `metrics` (optional)
  // counts the packets dropped under held-off configuration changes.
  StreamRecorder(RecordingPlan plan, const Spool& spool, std::shared_ptr<SliceFinisher> finisher,
                 std::shared_ptr<StreamLane> lane, const Clock& clock, RandomSource& random,
                 int64_t previous_end_ms = 0, std::function<void(int64_t)> on_slice_end = nullptr,
                 RecorderMetrics* metrics = nullptr, ConfigChangeLimits limits = {},
                 media::ts::TsMuxerKind ts_muxer = media::ts::TsMuxerKind::kOwn);
  ~StreamRecorder() override;

  void OnMedia(const media::MediaPacket& packet, const std::optional<media::CodecConfig>& video,
               const std::optional<media::CodecConfig>& audio) override;
  void OnEnd() override;

 private:
  struct OpenSlice {
    SpoolSlice meta;
    std::unique_ptr<SpoolFileSink> sink;
    std::unique_ptr<media::ts::TsSliceWriter> writer;
  };

  void Open(const media::MediaPacket& first, int64_t start_ms);
  void Close(int64_t end_ms);
  // On the lane: the closed slice is renamed and finished; the spool's health learns whether
  // that worked.
  static void CloseAndFinish(const Spool& spool, const Clock& clock, StreamLane& lane,
                             SpoolSlice meta, std::shared_ptr<SliceFinisher> finisher);
  // A write into the spool failed (`why`): the open slice ends here, and the next keyframe
  // begins the next one.
  void CutShort(const Status& why);
  // A slice whose writing failed is kept up to its last whole TS packet (on the lane), or
  // removed and counted lost when nothing whole is left.
  void Salvage(SpoolSlice meta, const Status& why);
  // Tells the spool's health and marks the next slice a discontinuity; warns at most once per
  // kind and SpoolHealth::kWarningWindowMs for the whole spool.
  void SpoolFailed(const Status& why, std::string_view what);
  // A configuration change the limiter holds off: the packet is dropped, counted, and logged at
  // most once a minute.
  void DropUnderHeldOffChange();
  // Whether a warning of `source` may be logged: one per source and minute for this stream; the
  // number suppressed is logged once the minute is over.
  bool AdmitWarning(std::string_view source);

  RecordingPlan plan_;
  const Spool& spool_;
  std::shared_ptr<SliceFinisher> finisher_;
  std::shared_ptr<StreamLane> lane_;
  const Clock& clock_;
  RandomSource& random_;
  SliceClock slice_clock_;
  std::optional<SliceCutter> cutter_;
  std::optional<media::CodecConfig> video_;
  std::optional<media::CodecConfig> audio_;
  std::optional<OpenSlice> slice_;
  bool next_discontinuity_ = false;
  bool opened_any_ = false;  // the first slice of the publish marks where a republish resumes
  bool ended_ = false;
  bool failed_ = false;      // the recording failed (SliceFinisher::Failed): no more slices
  int64_t last_end_ms_ = 0;  // UTC end of the previous slice: slices never overlap
  int64_t last_utc_ms_ = 0;  // UTC of the latest packet
  int64_t frame_ms_ = 0;     // latest video (else audio) frame spacing, to end the last slice
  int64_t last_dts_ = -1;
  std::function<void(int64_t)> on_slice_end_;
  RecorderMetrics* metrics_;
  ConfigChangeLimiter config_changes_;
  media::ts::TsMuxerKind ts_muxer_;
  bool held_off_ = false;         // packets were dropped since the last one taken (held-off change)
  bool jump_pending_ = false;     // a dropped packet re-anchored the slice clock
  int64_t held_off_packets_ = 0;  // dropped under held-off changes, this publish
  LogRateLimiter log_limiter_{{.lines_per_window = 1, .window_ms = 60'000, .max_sources = 4}};
};

}  // namespace liverec::recorder
