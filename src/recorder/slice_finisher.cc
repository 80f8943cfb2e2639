#include "recorder/slice_finisher.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <utility>

#include <spdlog/spdlog.h>

#include "recorder/slice_intents.h"
#include "recorder/slice_staging.h"

namespace liverec::recorder {

Status SliceFinisher::TakeLease(const RecordingPlan& plan) {
  if (!leases_ || fence_) return Status::Ok();
  bool fresh = false;
  auto fence = leases_->Acquire(RecordLeaseName(plan.account_id, plan.stream_id), &fresh);
  if (!fence) return fence.error();
  if (fresh) {
    // What a node that lost the stream left half-stored comes first (its slices are older).
    Status adopted =
        AdoptSliceIntents(intents_, recordings_, stores_, plan.account_id, plan.stream_id, *fence);
    if (!adopted.ok()) {
      leases_->Release(*fence);
      return adopted;
    }
  }
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
  // Back after a loss, waiting for the other node to let the lease go.
  Status status = after_loss_ && !fence_ ? TakeLeaseAgain(slice) : Status::Ok();
  if (status.ok()) status = FinishOnce(slice);
  if (status.ok()) after_loss_ = false;
  if (status.code() != ErrorCode::kLeaseLost || !Clustered()) return status;
  // Another node took the stream's recording lease while this node could not renew it (cut off
  // from the database, or paused, longer than the lease). If it let the lease go again (it
  // closed the cycles it found without activity), this node's recording goes on in new cycles.
  if (fence_) leases_->Lost(*fence_);  // so that TakeLease asks the database again
  fence_.reset();
  cycle_ids_.clear();
  after_loss_ = true;
  lost_ = status;
  told_waiting_ = false;
  LIVEREC_RETURN_IF_ERROR(TakeLeaseAgain(slice));
  status = FinishOnce(slice);
  if (status.ok()) after_loss_ = false;
  return status;
}

Status SliceFinisher::TakeLeaseAgain(const SpoolSlice& slice) {
  const RecordingPlan& plan = slice.plan;
  Status taken = TakeLease(plan);
  if (taken.code() == ErrorCode::kLeaseHeld) {
    // Held by another node. While this publish still holds the stream cluster-wide, that node
    // holds it only to close the cycles it found left (CycleManager::CloseWithLease) and lets it
    // go when done: the lane retries. Otherwise another node records the stream now (its
    // publisher took the stream over): this recording fails alone.
    if (!publishing_ || !publishing_()) return lost_;
    if (!std::exchange(told_waiting_, true)) {
      spdlog::info(
          "recorder: {}/{}/{}: another node holds this stream's recording lease (closing the "
          "cycles it found left); slice {} waits until it lets it go",
          plan.domain, plan.app, plan.stream, slice.id);
    }
    return taken;
  }
  // Another error (the database, the bucket while settling intents): the lane tries again.
  LIVEREC_RETURN_IF_ERROR(taken);
  spdlog::warn(
      "recorder: {}/{}/{}: another node took this stream's recording over while this node could "
      "not renew its lease, and let it go; recording goes on here in new cycles from slice {}",
      plan.domain, plan.app, plan.stream, slice.id);
  return Status::Ok();
}

Status SliceFinisher::FinishOnce(SpoolSlice& slice) {
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
    // Back after losing the stream: never into a cycle that holds later media than this slice
    // (another node recorded the publisher there meanwhile).
    if (after_loss_ && cycle->end_ms.value_or(0) > slice.start_ms) {
      return Status(ErrorCode::kLeaseLost, "",
                    "another node recorded the stream after this slice began");
    }
    cycle_ids_[format.format] = cycle->id;
    cycles.push_back(std::move(*cycle));
  }
  // The database first, then the files: replaying a slice after a crash repeats nothing twice.
  // The bucket first (m3u8), then the holds: a slice the bucket refuses for good is held by no
  // cycle when it is set aside. In a cluster the intent comes before both and goes after.
  // A slice numbered at its close was never tried before its first attempt.
  bool retry = slice.sequence >= 0 && !std::exchange(slice.sequence_at_close, false);
  bool m3u8 = std::any_of(cycles.begin(), cycles.end(),
                          [](const auto& cycle) { return cycle.format == "m3u8"; });
  if (m3u8) LIVEREC_RETURN_IF_ERROR(TakeSequence(slice));
  if (Clustered()) {
    LIVEREC_RETURN_IF_ERROR(intents_.Insert(IntentOf(slice, cycles, clock_.NowMs()), fence()));
  }
  for (const auto& cycle : cycles) {
    if (cycle.format == "m3u8") LIVEREC_RETURN_IF_ERROR(Store(slice, *store, cycle, retry));
  }
  // In a cluster, an MP4/FLV cycle may be closed by another node: its slices go to the bucket.
  if (leases_ && plan.ComposesFiles()) {
    LIVEREC_RETURN_IF_ERROR(StageSlice(*store, plan.stream_id, slice.id, spool_.ClosedPath(slice)));
  }
  for (const auto& cycle : cycles) {
    if (cycle.format != "m3u8") LIVEREC_RETURN_IF_ERROR(Hold(slice, cycle, *store));
  }
  if (Clustered()) {
    LIVEREC_RETURN_IF_ERROR(intents_.Delete(plan.account_id, plan.stream_id, slice.id, fence()));
  }
  if (plan.ComposesFiles()) return spool_.Hold(slice);
  spool_.Remove(slice);
  return Status::Ok();
}

void SliceFinisher::NumberAtClose(SpoolSlice& slice) {
  if (slice.sequence >= 0 || Failed() || !slice.plan.Has("m3u8")) return;
  const RecordingPlan& plan = slice.plan;
  auto taken =
      recordings_.TakeSequence(plan.account_id, plan.stream_id, metadata::SequenceKind::kSlice);
  if (!taken) return;  // the database: Finish takes it, and reports what fails
  slice.sequence = *taken;
  slice.sequence_at_close = true;
}

Status SliceFinisher::TakeSequence(SpoolSlice& slice) {
  if (slice.sequence >= 0) return Status::Ok();  // retries and recovery keep the number
  const RecordingPlan& plan = slice.plan;
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
  return Status::Ok();
}

Status SliceFinisher::Store(SpoolSlice& slice, storage::ObjectStore& store,
                            const metadata::RecordCycleRow& cycle, bool retry) {
  const RecordingPlan& plan = slice.plan;
  if (retry && Clustered()) {
    // A slice tried before may have been indexed since by the node that settled its intent
    // (this node's restart, or another node's takeover): storing it again would leave a copy.
    auto indexed = intents_.IndexedKey(plan.account_id, plan.stream_id, slice.start_ms);
    if (!indexed) return indexed.error();
    if (*indexed) return Status::Ok();
  }
  std::string base = SliceKeyBase(slice);
  std::string path = spool_.ClosedPath(slice);
  auto started = std::chrono::steady_clock::now();
  auto key = PutWithoutOverwrite(base, ".ts",
                                 [&](const std::string& k) { return store.PutFile(k, path); });
  if (metrics_) metrics_->SliceStoreDone(key.has_value(), started);
  if (!key) return key.error();

  std::error_code ec;
  auto bytes = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  // A republish continuing the cycle gets #EXT-X-DISCONTINUITY.
  metadata::SliceRow row = SliceRowOf(slice, cycle, *key, ec ? 0 : bytes);
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
