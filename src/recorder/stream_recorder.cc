#include "recorder/stream_recorder.h"

#include <algorithm>
#include <vector>

#include <spdlog/spdlog.h>

#include "base/ids.h"

namespace liverec::recorder {

StreamRecorder::StreamRecorder(RecordingPlan plan, const Spool& spool,
                               std::shared_ptr<SliceFinisher> finisher,
                               std::shared_ptr<StreamLane> lane, const Clock& clock,
                               RandomSource& random, int64_t previous_end_ms,
                               std::function<void(int64_t)> on_slice_end, RecorderMetrics* metrics,
                               ConfigChangeLimits limits, media::ts::TsMuxerKind ts_muxer)
    : plan_(std::move(plan)),
      spool_(spool),
      finisher_(std::move(finisher)),
      lane_(std::move(lane)),
      clock_(clock),
      random_(random),
      last_end_ms_(previous_end_ms),
      on_slice_end_(std::move(on_slice_end)),
      metrics_(metrics),
      config_changes_(limits),
      ts_muxer_(ts_muxer) {
  slice_clock_.SetFloor(previous_end_ms);
}

StreamRecorder::~StreamRecorder() { OnEnd(); }

void StreamRecorder::Open(const media::MediaPacket& first, int64_t start_ms) {
  OpenSlice slice;
  slice.meta.plan = plan_;
  slice.meta.id = NewId(clock_, random_);
  slice.meta.start_ms = start_ms;
  slice.meta.first_dts_ms = first.dts_ms;
  slice.meta.discontinuity = next_discontinuity_;
  slice.meta.publish_start = !opened_any_;
  if (video_) {
    slice.meta.video_codec = std::string(media::CodecName(video_->codec));
    slice.meta.width = video_->width;
    slice.meta.height = video_->height;
  }
  if (audio_) slice.meta.audio_codec = std::string(media::CodecName(audio_->codec));
  auto sink = spool_.OpenPart(slice.meta);
  if (!sink) {
    if (metrics_) metrics_->SliceLost();
    SpoolFailed(sink.error(), "a slice is lost: its spool file cannot be created");
    cutter_->Reset();  // the next keyframe tries again
    return;
  }
  slice.sink = std::move(*sink);
  auto writer = media::ts::TsSliceWriter::Create(video_, audio_, *slice.sink, ts_muxer_);
  if (!writer) {
    spdlog::error("recorder: {}/{}/{}: cannot start a slice: {}", plan_.domain, plan_.app,
                  plan_.stream, writer.error().ToString());
    slice.sink->Close().ok();
    spool_.Remove(slice.meta);
    return;
  }
  slice.writer = std::move(*writer);
  next_discontinuity_ = false;
  // The sidecar says what the .part file is, so a restart can finish it; written off-thread.
  lane_->Post([spool = &spool_, clock = &clock_, meta = slice.meta] {
    Status status = spool->WriteSidecar(meta);
    if (status.ok()) return;
    spool->health().WriteFailed(clock->NowMs(), status.detail());
    if (spool->health().AdmitWarning("sidecar", clock->NowMs())) {
      spdlog::warn(
          "recorder: {}/{}/{}: sidecar not written (a crash would leave the slice an "
          "orphan): {}",
          meta.plan.domain, meta.plan.app, meta.plan.stream, status.ToString());
    }
  });
  opened_any_ = true;
  slice_ = std::move(slice);
}

void StreamRecorder::Close(int64_t end_ms) {
  if (!slice_) return;
  OpenSlice slice = std::move(*slice_);
  slice_.reset();
  Status finished = slice.writer->Finish();
  slice.writer.reset();
  Status closed = slice.sink->Close();
  if (!finished.ok() || !closed.ok()) {
    Salvage(std::move(slice.meta), !finished.ok() ? finished : closed);
    return;
  }
  slice.meta.end_ms = std::max(end_ms, slice.meta.start_ms + 1);
  last_end_ms_ = slice.meta.end_ms;
  if (on_slice_end_) on_slice_end_(last_end_ms_);
  lane_->Post([this_lane = lane_, finisher = finisher_, spool = &spool_, clock = &clock_,
               meta = slice.meta]() mutable {
    CloseAndFinish(*spool, *clock, *this_lane, std::move(meta), std::move(finisher));
  });
}

void StreamRecorder::CloseAndFinish(const Spool& spool, const Clock& clock, StreamLane& lane,
                                    SpoolSlice meta, std::shared_ptr<SliceFinisher> finisher) {
  finisher->NumberAtClose(meta);  // kept by the closed sidecar: one sidecar write, not two
  Status status = spool.CloseSlice(meta);
  if (!status.ok()) spool.health().WriteFailed(clock.NowMs(), status.detail());
  if (!status.ok() && !meta.closed) {
    spdlog::error("recorder: {}/{}/{}: slice not closed, kept in the spool for the next start: {}",
                  meta.plan.domain, meta.plan.app, meta.plan.stream, status.ToString());
    return;
  }
  if (!status.ok()) {  // the file is whole and in place; only its sidecar still says "open"
    if (spool.health().AdmitWarning("closed sidecar", clock.NowMs())) {
      spdlog::warn(
          "recorder: {}/{}/{}: slice closed but its sidecar not updated ({}); it is "
          "stored all the same (a crash before that recovers it as torn)",
          meta.plan.domain, meta.plan.app, meta.plan.stream, status.ToString());
    }
  } else {
    spool.health().WriteSucceeded(clock.NowMs());
  }
  lane.Finish(std::move(meta), std::move(finisher));  // stored in turn, retried until it is
}

void StreamRecorder::CutShort(const Status& why) {
  OpenSlice slice = std::move(*slice_);
  slice_.reset();
  slice.writer.reset();      // nothing more reaches the file
  slice.sink->Close().ok();  // what the failed write left is cut to whole packets below
  Salvage(std::move(slice.meta), why);
  cutter_->Reset();  // the next keyframe begins a new slice
}

void StreamRecorder::Salvage(SpoolSlice meta, const Status& why) {
  // The next slice begins after anything this one may hold.
  last_end_ms_ = std::max(last_end_ms_, last_utc_ms_ + frame_ms_);
  if (on_slice_end_) on_slice_end_(last_end_ms_);
  SpoolFailed(why, "a slice is cut short: what was written is kept up to its last whole packet");
  lane_->Post([this_lane = lane_, finisher = finisher_, spool = &spool_, clock = &clock_,
               metrics = metrics_, meta = std::move(meta)]() mutable {
    int64_t duration = spool->CutTornToWholePackets(meta);
    if (duration < 0) {
      if (metrics) metrics->SliceLost();
      spool->Remove(meta);
      return;
    }
    if (metrics) metrics->SliceCutShort();
    meta.end_ms = meta.start_ms + std::max<int64_t>(duration, 1);
    meta.torn = true;
    CloseAndFinish(*spool, *clock, *this_lane, std::move(meta), std::move(finisher));
  });
}

void StreamRecorder::SpoolFailed(const Status& why, std::string_view what) {
  spool_.health().WriteFailed(clock_.NowMs(), why.detail());
  next_discontinuity_ = true;
  if (spool_.health().AdmitWarning("write", clock_.NowMs())) {
    spdlog::warn(
        "recorder: {}/{}/{}: the spool refused a write ({}): {}; recording goes on at "
        "the next keyframe, after a discontinuity",
        plan_.domain, plan_.app, plan_.stream, why.ToString(), what);
  }
}

void StreamRecorder::OnMedia(const media::MediaPacket& packet,
                             const std::optional<media::CodecConfig>& video,
                             const std::optional<media::CodecConfig>& audio) {
  if (ended_ || failed_) return;
  bool jumped = false;
  int64_t utc = slice_clock_.ToUtc(packet.dts_ms, clock_.NowMs(), &jumped);
  // Identical configurations (a re-sent sequence header) compare equal: no change.
  bool configs_changed = !cutter_ || video != video_ || audio != audio_;
  if (configs_changed && cutter_) {
    std::optional<int64_t> into_slice;
    if (slice_) into_slice = utc - slice_->meta.start_ms;
    if (!config_changes_.Take(into_slice, clock_.NowMs())) {
      jump_pending_ = jump_pending_ || jumped;
      DropUnderHeldOffChange();
      return;
    }
  }
  jumped = jumped || jump_pending_;
  jump_pending_ = false;
  if (configs_changed || jumped) {
    if (slice_) {
      // After dropped packets the slice ends where its last packet did, not at this one.
      Close(jumped || held_off_ ? last_utc_ms_ + frame_ms_ : utc);
      next_discontinuity_ = true;
    }
    video_ = video;
    audio_ = audio;
    cutter_.emplace(plan_.slice_duration_s * 1000, video_.has_value());
  }
  held_off_ = false;
  if (last_dts_ >= 0 && packet.dts_ms > last_dts_ &&
      (packet.kind == media::TrackKind::kVideo || !video_)) {
    frame_ms_ = std::min<int64_t>(packet.dts_ms - last_dts_, 1000);
  }
  if (packet.kind == media::TrackKind::kVideo || !video_) last_dts_ = packet.dts_ms;
  last_utc_ms_ = std::max(last_utc_ms_, utc);

  switch (cutter_->Decide(packet)) {
    case CutDecision::kDrop:
      return;
    case CutDecision::kNewSlice:
      Close(utc);
      if (finisher_->Failed()) {  // the bucket refused this recording for good
        failed_ = true;
        spdlog::warn(
            "recorder: {}/{}/{}: recording stopped: it failed (see above); the "
            "publish goes on unrecorded",
            plan_.domain, plan_.app, plan_.stream);
        return;
      }
      Open(packet, std::max(utc, last_end_ms_));
      break;
    case CutDecision::kAppend:
      break;
  }
  if (!slice_) return;
  Status written = slice_->writer->Write(packet);
  if (written.code() == ErrorCode::kStorageFailure) {
    CutShort(written);
  } else if (!written.ok()) {
    if (AdmitWarning("write")) {
      spdlog::warn("recorder: {}/{}/{}: packet not written: {}", plan_.domain, plan_.app,
                   plan_.stream, written.ToString());
    }
  }
}

void StreamRecorder::DropUnderHeldOffChange() {
  held_off_ = true;
  ++held_off_packets_;
  if (metrics_) metrics_->ConfigChangePacketDropped();
  if (!AdmitWarning("config")) return;
  const ConfigChangeLimits& limits = config_changes_.limits();
  spdlog::warn(
      "recorder: {}/{}/{}: the codec configuration changes too often (a change may cut "
      "a slice {} ms of media after the slice began, at most {} times a minute): "
      "packets under the new configuration are dropped until it can be taken",
      plan_.domain, plan_.app, plan_.stream, limits.min_slice_ms, limits.max_per_minute);
}

bool StreamRecorder::AdmitWarning(std::string_view source) {
  std::vector<LogRateLimiter::Note> notes;
  bool admitted = log_limiter_.Admit(source, spdlog::level::warn, clock_.NowMs(), notes);
  for (const auto& note : notes) {
    spdlog::warn("recorder: {}/{}/{}: {} similar warning(s) ({}) suppressed in the last minute",
                 plan_.domain, plan_.app, plan_.stream, note.suppressed, note.source);
  }
  return admitted;
}

void StreamRecorder::OnEnd() {
  if (ended_) return;
  ended_ = true;
  Close(last_utc_ms_ + frame_ms_);
  if (held_off_packets_ > 0) {
    spdlog::warn(
        "recorder: {}/{}/{}: {} packet(s) of this publish dropped under codec "
        "configuration changes held off",
        plan_.domain, plan_.app, plan_.stream, held_off_packets_);
  }
  // Through the lane, behind the slice just closed: the publish ends once its slices are in.
  lane_->Post([lane = lane_, finisher = finisher_, plan = plan_] {
    lane->End(plan, finisher, [finisher, plan] { finisher->AnnounceLeave(plan); });
  });
}

}  // namespace liverec::recorder
