// CycleManager, closing: marking cycles closing when they are due (DelayTime passed, left closing,
// or on command) and writing their files on the close executor, one task per cycle, in a cluster
// under the stream's recording lease. See docs/recording.md "Closing a cycle".
#include <filesystem>

#include <spdlog/spdlog.h>

#include "recorder/cycle_manager.h"
#include "recorder/playlist.h"
#include "recorder/slice_intents.h"
#include "storage/object_key_template.h"
#include "storage/object_store.h"

namespace liverec::recorder {
namespace {

// Whether the DelayTime of a cycle without a publisher has passed since its last activity.
bool DelayPassed(const metadata::RecordCycleRow& cycle, int64_t now) {
  auto plan = PlanOfCycleRow(cycle);
  int64_t delay_ms = plan ? plan->delay_time_s * 1000 : 180'000;
  return now - cycle.last_activity_ms >= delay_ms;
}

}  // namespace

Status CycleManager::ClosePlaylistLocked(const metadata::RecordCycleRow& cycle,
                                         const RecordingPlan& plan, std::string& key,
                                         const metadata::Fence* fence) {
  if (index_files_) {
    // Stored before a crash that came before the cycle was marked closed: reused, not stored
    // again (the row's key is the cycle id, so a second row could not be written anyway).
    auto stored = index_files_->Find(cycle.account_id, cycle.stream_id, cycle.id);
    if (!stored) return stored.error();
    if (*stored) {
      key = (*stored)->object_key;
      AnnounceLocked(plan, **stored);
      return Status::Ok();
    }
  }
  auto slices = recordings_.ListCycleSlices(cycle.account_id, cycle.id);
  if (!slices) return slices.error();
  if (slices->empty()) return Status::Ok();
  storage::ObjectStore* store = stores_(plan.endpoint, plan.bucket);
  if (!store) {
    return Status(ErrorCode::kInvalidOssBucketNotFound, "",
                  "bucket " + plan.endpoint + "/" + plan.bucket + " is not declared");
  }
  const PlanFormat* format = plan.Find("m3u8");
  storage::TemplateValues values{plan.app,
                                 plan.stream,
                                 cycle.sequence,
                                 slices->front().start_ms,
                                 slices->back().end_ms,
                                 int64_t{plan.time_zone_minutes} * 60'000};
  std::string base = storage::RenderObjectKey(
      format ? format->object_template : plan.playlist_template, values, "");
  auto stored = PutWithoutOverwrite(base, ".m3u8", [&](const std::string& k) {
    std::vector<PlaylistSegment> segments;
    segments.reserve(slices->size());
    RelativeUriMaker relative(k);
    for (const auto& s : *slices) {
      segments.push_back({relative.Make(s.object_key), s.duration_ms, s.discontinuity});
    }
    std::string text = BuildPlaylist(segments, 0, true);
    return store->PutBytes(k,
                           std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  });
  if (!stored) return stored.error();
  key = *stored;
  // The cycle's playlist is listed with the index files; its RecordId is the cycle id.
  metadata::IndexFileRow file{cycle.account_id,
                              cycle.id,
                              cycle.stream_id,
                              "cycle",
                              plan.endpoint,
                              plan.bucket,
                              key,
                              "m3u8",
                              slices->front().start_ms,
                              slices->back().end_ms,
                              0,
                              0,
                              0,
                              clock_.NowMs()};
  for (const auto& s : *slices) {
    file.duration_ms += s.duration_ms;
    if (file.width == 0 && s.width > 0) {
      file.width = s.width;
      file.height = s.height;
    }
  }
  file.announced = events_ == nullptr;  // nobody to tell
  if (index_files_) {
    Status inserted = index_files_->Insert(file, fence);
    if (inserted.code() == ErrorCode::kLeaseLost) DeleteStaleObject(*store, key, inserted);
    LIVEREC_RETURN_IF_ERROR(inserted);
  }
  AnnounceLocked(plan, file);
  return Status::Ok();
}

Status CycleManager::CloseLocked(const metadata::RecordCycleRow& cycle,
                                 const metadata::Fence* fence) {
  auto plan = PlanOfCycleRow(cycle);
  if (!plan) return plan.error();
  std::string key;
  if (cycle.format == "m3u8") {
    Status written = ClosePlaylistLocked(cycle, *plan, key, fence);
    if (!written.ok() && !storage::IsPermanentStorageError(written)) return written;
    if (!written.ok()) {
      // The bucket refuses the playlist for good: the cycle closes without one (its slices are
      // stored and indexed; an index file can be made of them later), never retried forever.
      spdlog::error(
          "recorder: {}/{}/{}: m3u8 cycle {}: the bucket refuses the playlist (not "
          "retried): {}",
          plan->domain, plan->app, plan->stream, cycle.id, written.ToString());
      AnnounceError(*plan, "the bucket refuses the playlist: " + written.ToString());
    }
  } else {
    LIVEREC_RETURN_IF_ERROR(CloseComposedLocked(cycle, *plan, key, fence));
  }
  LIVEREC_RETURN_IF_ERROR(
      recordings_.CloseCycle(cycle.account_id, cycle.id, key, clock_.NowMs(), fence));
  std::error_code ec;  // the spool playlist of an earlier version, if there is one
  std::filesystem::remove(spool_.CyclePlaylistPath(cycle.id), ec);
  spdlog::info("recorder: {}/{}/{}: {} cycle {} closed: {}", plan->domain, plan->app, plan->stream,
               cycle.format, cycle.id, key.empty() ? "nothing recorded" : key);
  return Status::Ok();
}

Status CycleManager::CloseExpired() {
  auto open = recordings_.ListOpenCycles();
  if (!open) return open.error();
  int64_t now = clock_.NowMs();
  bool announce = false;
  {
    std::lock_guard lock(state_mutex_);
    if (announce_retry_ms_ && now >= *announce_retry_ms_) {
      announce_retry_ms_.reset();
      announce = true;
    }
  }
  if (announce) {
    Status announced = AnnouncePendingNow();
    if (!announced.ok()) spdlog::error("recorder: announcing files: {}", announced.ToString());
  }
  Status first_error;
  std::vector<metadata::RecordCycleRow> closing;
  for (const auto& cycle : *open) {
    {
      std::lock_guard lock(state_mutex_);
      if (auto retry = retry_after_ms_.find(cycle.id);
          retry != retry_after_ms_.end() && now < retry->second) {
        continue;
      }
    }
    auto due = MarkIfDue(cycle, now);
    if (!due) {
      RetryCloseLater(cycle.id, due.error());
      if (first_error.ok()) first_error = due.error();
    } else if (*due) {
      closing.push_back(cycle);
    }
  }
  Status closed = CloseOrHandOver(closing);
  return first_error.ok() ? closed : first_error;
}

Result<bool> CycleManager::MarkIfDue(const metadata::RecordCycleRow& listed, int64_t now) {
  if (listed.state == metadata::CycleState::kClosing) return true;  // left closing: at once
  std::string lease = RecordLeaseName(listed.account_id, listed.stream_id);
  // A publisher of this node feeds it (on a single node: any publisher).
  bool here = leases_ && leases_->HeldHere(lease);
  if (listed.live && (!leases_ || here)) return false;
  if (has_backlog_ && has_backlog_(listed.stream_id)) return false;  // slices not all in
  if (!DelayPassed(listed, now)) return false;
  // In a cluster, a live cycle of another node counts as left at its last activity once nobody
  // holds the stream's lease: its node died (or lost the stream while paused).
  std::optional<metadata::Fence> fence;
  if (leases_) {
    auto taken = TakeLease(listed.account_id, listed.stream_id);
    if (!taken) {
      if (taken.error().code() == ErrorCode::kLeaseHeld) return false;
      return Error(taken.error());
    }
    fence = *taken;
  }
  auto marked = [&]() -> Result<bool> {
    // Read again under the stream's lock (and lease): a publish may have claimed it meanwhile.
    auto lock = streams_.Lock(RecordLeaseName(listed.account_id, listed.stream_id));
    auto cycle = recordings_.FindCycle(listed.account_id, listed.id);
    if (!cycle) return Error(cycle.error());
    if (!*cycle || (*cycle)->state != metadata::CycleState::kOpen) return false;
    // Live and fed by a publisher of this node (`here`: held before this call took the lease).
    bool fed = (*cycle)->live && (!leases_ || here);
    if (fed || !DelayPassed(**cycle, now)) return false;
    return recordings_.MarkCycleClosing(listed.account_id, listed.id, fence ? &*fence : nullptr);
  }();
  if (fence) leases_->Release(*fence);
  return marked;
}

Result<metadata::Fence> CycleManager::TakeLease(const std::string& account_id,
                                                const std::string& stream_id) {
  bool fresh = false;
  auto fence = leases_->Acquire(RecordLeaseName(account_id, stream_id), &fresh);
  if (!fence) return Error(fence.error());
  // What the node that lost the stream left half-stored goes into its cycles first.
  Status adopted =
      fresh ? AdoptSliceIntents(intents_, recordings_, stores_, account_id, stream_id, *fence)
            : Status::Ok();
  if (!adopted.ok()) {
    leases_->Release(*fence);
    return Error(adopted);
  }
  return *fence;
}

Status CycleManager::CloseOrHandOver(const std::vector<metadata::RecordCycleRow>& cycles) {
  Status first_error;
  for (const auto& cycle : cycles) {
    // One task per cycle at a time: one running (or queued) now closes it.
    auto claim = std::make_shared<KeyedMutex::Guard>(cycle_claims_.TryLock(cycle.id));
    if (!*claim) continue;
    if (close_executor_) {
      close_executor_([this, cycle, claim] { (void)CloseWithLease(cycle); });
      continue;
    }
    Status status = CloseWithLease(cycle);
    if (first_error.ok()) first_error = status;
  }
  return first_error;
}

Status CycleManager::CloseWithLease(const metadata::RecordCycleRow& cycle) {
  std::optional<metadata::Fence> fence;
  if (leases_) {
    auto taken = TakeLease(cycle.account_id, cycle.stream_id);
    // Another live node holds the stream: it closes the cycle (its CloseExpired finds it).
    if (!taken && taken.error().code() == ErrorCode::kLeaseHeld) return Status::Ok();
    if (!taken) {
      RetryCloseLater(cycle.id, taken.error());
      return taken.error();
    }
    fence = *taken;
  }
  Status status = CloseClaimed(cycle, fence ? &*fence : nullptr);
  if (fence) leases_->Release(*fence);
  return status;
}

Status CycleManager::CloseClaimed(const metadata::RecordCycleRow& listed,
                                  const metadata::Fence* fence) {
  auto cycle = recordings_.FindCycle(listed.account_id, listed.id);
  Status status = cycle ? Status::Ok() : cycle.error();
  if (cycle && *cycle && (*cycle)->state == metadata::CycleState::kClosing) {
    std::shared_lock gate(compose_gate_);
    status = CloseLocked(**cycle, fence);
  }
  if (status.ok()) {
    std::lock_guard lock(state_mutex_);
    retry_after_ms_.erase(listed.id);
  } else {
    RetryCloseLater(listed.id, status);
  }
  return status;
}

void CycleManager::RetryCloseLater(const std::string& cycle_id, const Status& why) {
  spdlog::error("recorder: cannot close cycle {}: {} (retrying in {} s)", cycle_id, why.ToString(),
                kCloseRetryMs / 1000);
  std::lock_guard lock(state_mutex_);
  retry_after_ms_[cycle_id] = clock_.NowMs() + kCloseRetryMs;
}

Status CycleManager::CloseStreamNow(const std::string& account_id, const std::string& stream_id) {
  if (has_backlog_ && has_backlog_(stream_id)) {
    spdlog::warn(
        "recorder: stream {}: slices wait to be stored; its files close once they are "
        "in and DelayTime has passed",
        stream_id);
    return Status::Ok();
  }
  auto open = recordings_.ListOpenCycles();
  if (!open) return open.error();
  std::optional<metadata::Fence> fence;
  if (leases_) {
    auto taken = TakeLease(account_id, stream_id);
    if (!taken) return taken.error();  // another node publishes it again: its cycles now
    fence = *taken;
  }
  Status first_error;
  std::vector<metadata::RecordCycleRow> closing;
  {
    auto lock = streams_.Lock(RecordLeaseName(account_id, stream_id));
    for (const auto& cycle : *open) {
      if (cycle.account_id != account_id || cycle.stream_id != stream_id) continue;
      auto marked =
          cycle.state == metadata::CycleState::kClosing
              ? Result<bool>(true)
              : recordings_.MarkCycleClosing(account_id, cycle.id, fence ? &*fence : nullptr);
      if (!marked) {
        // CloseExpired closes it once its DelayTime has passed.
        spdlog::error("recorder: cannot close cycle {} now: {}", cycle.id,
                      marked.error().ToString());
        if (first_error.ok()) first_error = marked.error();
      } else if (*marked) {
        closing.push_back(cycle);
      }
    }
  }
  if (fence) leases_->Release(*fence);
  Status closed = CloseOrHandOver(closing);
  return first_error.ok() ? closed : first_error;
}
}  // namespace liverec::recorder
