#include "recorder/slice_finisher.h"

#include <chrono>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "recorder/slice_staging.h"
#include "storage/object_key_template.h"

namespace liverec::recorder {

Status SliceFinisher::TakeLease(const RecordingPlan& plan) {
  if (!leases_ || fence_) return Status::Ok();
  auto fence = leases_->Acquire(RecordLeaseName(plan.account_id, plan.stream_id));
  if (!fence) return fence.error();
  fence_ = *fence;
  return Status::Ok();
}

Status SliceFinisher::Begin(const RecordingPlan& plan, int64_t publish_ms) {
  account_id_ = plan.account_id;
  LIVEREC_RETURN_IF_ERROR(TakeLease(plan));
  auto claimed = cycles_.BeginPublish(plan, publish_ms, fence());
  if (!claimed && claimed.error().code() == ErrorCode::kLeaseLost) fence_.reset();  // retry anew
  if (!claimed) return claimed.error();
  for (const auto& cycle : *claimed) cycle_ids_[cycle.format] = cycle.id;
  return Status::Ok();
}

Status SliceFinisher::Finish(SpoolSlice& slice) {
  const RecordingPlan& plan = slice.plan;
  storage::ObjectStore* store = stores_(plan.endpoint, plan.bucket);
  if (!store) {
    return Status(ErrorCode::kInvalidOssBucketNotFound, "",
                  "bucket " + plan.endpoint + "/" + plan.bucket + " is not declared");
  }
  account_id_ = plan.account_id;
  LIVEREC_RETURN_IF_ERROR(TakeLease(plan));
  std::vector<metadata::RecordCycleRow> cycles;
  for (const auto& format : plan.formats) {
    auto cycle = cycles_.Attach(plan, format.format, slice.start_ms, fence());
    if (!cycle) return cycle.error();
    cycle_ids_[format.format] = cycle->id;
    cycles.push_back(std::move(*cycle));
  }
  // The database first, then the files: replaying a slice after a crash repeats nothing twice.
  // The bucket first (m3u8), then the holds: a slice the bucket refuses for good is held by no
  // cycle when it is set aside.
  for (const auto& cycle : cycles) {
    if (cycle.format == "m3u8") LIVEREC_RETURN_IF_ERROR(Store(slice, *store, cycle));
  }
  // In a cluster, an MP4/FLV cycle may be closed by another node: its slices go to the bucket.
  if (leases_ && plan.ComposesFiles()) {
    LIVEREC_RETURN_IF_ERROR(StageSlice(*store, plan.stream_id, slice.id, spool_.ClosedPath(slice)));
  }
  for (const auto& cycle : cycles) {
    if (cycle.format != "m3u8") LIVEREC_RETURN_IF_ERROR(Hold(slice, cycle, *store));
  }
  if (plan.ComposesFiles()) return spool_.Hold(slice);
  spool_.Remove(slice);
  return Status::Ok();
}

Status SliceFinisher::Store(SpoolSlice& slice, storage::ObjectStore& store,
                            const metadata::RecordCycleRow& cycle) {
  const RecordingPlan& plan = slice.plan;
  if (slice.sequence < 0) {  // the first attempt: retries and recovery keep the number
    auto taken =
        recordings_.TakeSequence(plan.account_id, plan.stream_id, metadata::SequenceKind::kSlice);
    if (!taken) return taken.error();
    slice.sequence = *taken;
    Status saved = spool_.WriteSidecar(slice);
    if (!saved.ok()) {
      spool_.health().WriteFailed(clock_.NowMs(), saved.detail());
      if (spool_.health().AdmitWarning("sidecar", clock_.NowMs())) {
        spdlog::warn("recorder: slice {}: sidecar: {}", slice.id, saved.ToString());
      }
    }
  }
  storage::TemplateValues values{plan.app,       plan.stream,
                                 slice.sequence, slice.start_ms,
                                 slice.end_ms,   int64_t{plan.time_zone_minutes} * 60'000};
  std::string base = storage::RenderObjectKey(plan.slice_template, values, "");
  std::string path = spool_.ClosedPath(slice);
  auto started = std::chrono::steady_clock::now();
  auto key = PutWithoutOverwrite(base, ".ts",
                                 [&](const std::string& k) { return store.PutFile(k, path); });
  if (metrics_) metrics_->SliceStoreDone(key.has_value(), started);
  if (!key) return key.error();

  std::error_code ec;
  auto bytes = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  // A republish continuing the cycle gets #EXT-X-DISCONTINUITY.
  bool resumed = slice.publish_start && cycle.start_ms.has_value();
  metadata::SliceRow row{plan.account_id,
                         plan.stream_id,
                         slice.start_ms,
                         slice.end_ms,
                         slice.end_ms - slice.start_ms,
                         ec ? 0 : bytes,
                         plan.endpoint,
                         plan.bucket,
                         *key,
                         slice.video_codec,
                         slice.audio_codec,
                         slice.width,
                         slice.height,
                         slice.sequence,
                         cycle.id,
                         slice.discontinuity || resumed};
  Status indexed = recordings_.InsertSlice(row, fence());
  if (indexed.code() == ErrorCode::kLeaseLost) DeleteStaleObject(store, *key, indexed);
  LIVEREC_RETURN_IF_ERROR(indexed);
  LIVEREC_RETURN_IF_ERROR(recordings_.TouchCycle(plan.account_id, cycle.id, slice.start_ms,
                                                 slice.end_ms, clock_.NowMs(), fence()));
  spdlog::debug("recorder: {}/{}/{}: slice {} stored as {} ({} ms)", plan.domain, plan.app,
                plan.stream, slice.sequence, *key, row.duration_ms);
  return Status::Ok();
}

Status SliceFinisher::Hold(const SpoolSlice& slice, const metadata::RecordCycleRow& cycle,
                           storage::ObjectStore& store) {
  const RecordingPlan& plan = slice.plan;
  metadata::HeldSliceRow row{plan.account_id,
                             cycle.id,
                             slice.id,
                             plan.stream_id,
                             slice.start_ms,
                             slice.end_ms,
                             slice.video_codec,
                             slice.audio_codec,
                             slice.width,
                             slice.height,
                             slice.publish_start || slice.discontinuity,
                             slice.torn};
  Status held = recordings_.InsertHeldSlice(row, fence());
  if (held.code() == ErrorCode::kLeaseLost && leases_) {
    DeleteStaleObject(store, StagedSliceKey(plan.stream_id, slice.id), held);
  }
  LIVEREC_RETURN_IF_ERROR(held);
  return recordings_.TouchCycle(plan.account_id, cycle.id, slice.start_ms, slice.end_ms,
                                clock_.NowMs(), fence());
}

void SliceFinisher::Fail(SpoolSlice& slice, const Status& why) {
  const RecordingPlan& plan = slice.plan;
  if (!failed_.load()) {
    failure_ = why.ToString();
    failed_.store(true);
    bool lost = why.code() == ErrorCode::kLeaseLost;
    std::string cause = lost ? "another node took the stream over"
                             : "the bucket " + plan.endpoint + "/" + plan.bucket +
                                   " refuses its slices (not an outage: not retried)";
    spdlog::error(
        "recorder: {}/{}/{}: recording failed, {}; other streams go on: {}; slices not "
        "recorded are kept in {}/{}",
        plan.domain, plan.app, plan.stream, cause, failure_, spool_.FailedRoot(), plan.stream_id);
    if (metrics_) metrics_->RecordingFailed();
    cycles_.AnnounceError(plan, (lost ? "another node took the stream over: "
                                      : "the bucket refuses the recording: ") +
                                    failure_);
  }
  Status moved = spool_.SetAside(slice, failure_);
  if (!moved.ok()) {
    spdlog::error("recorder: {}/{}/{}: slice {} not set aside, left in the spool: {}", plan.domain,
                  plan.app, plan.stream, slice.id, moved.ToString());
  }
  if (metrics_) metrics_->SliceSetAside();
}

Status SliceFinisher::End() {
  Status first_error;
  for (const auto& [format, cycle_id] : cycle_ids_) {
    Status status = cycles_.Detach(account_id_, cycle_id, fence());
    // Lost: the node that took the stream over decides about its cycles now.
    if (!status.ok() && status.code() != ErrorCode::kLeaseLost && first_error.ok()) {
      first_error = status;
    }
  }
  if (first_error.ok() && fence_) {
    leases_->Release(*fence_);
    fence_.reset();
  }
  return first_error;
}

}  // namespace liverec::recorder
