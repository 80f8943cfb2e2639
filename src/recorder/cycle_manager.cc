#include "recorder/cycle_manager.h"

#include <algorithm>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "base/ids.h"
#include "recorder/playlist.h"
#include "storage/object_key_template.h"
#include "storage/object_store.h"

namespace liverec::recorder {

Result<std::string> PutWithoutOverwrite(const std::string& key_without_extension,
                                        const std::string& extension,
                                        const std::function<Status(const std::string&)>& put) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string key = key_without_extension +
                      (attempt == 0 ? std::string() : "_" + std::to_string(attempt)) + extension;
    Status status = put(key);
    if (status.ok()) return key;
    // A name taken by an object (or a folder, for the first name) may be varied; a clash with a
    // file higher up the path (`a` when writing `a/b`) cannot be fixed by another name.
    bool vary = status.code() == ErrorCode::kObjectAlreadyExists ||
                (status.code() == ErrorCode::kObjectKeyConflict && attempt == 0);
    if (!vary) return Error(status);
    spdlog::warn("recorder: object {} exists; trying another name", key);
  }
  return Error(ErrorCode::kObjectAlreadyExists, "",
               key_without_extension + " and 99 variants exist");
}

std::string PartSuffix(int64_t part) {
  return part > 0 ? "_p" + std::to_string(part) : std::string();
}

std::string RecordLeaseName(const std::string& account_id, const std::string& stream_id) {
  return account_id + "/" + stream_id;
}

namespace {

// Whether the DelayTime of a cycle without a publisher has passed since its last activity.
bool DelayPassed(const metadata::RecordCycleRow& cycle, int64_t now) {
  auto plan = PlanOfCycleRow(cycle);
  int64_t delay_ms = plan ? plan->delay_time_s * 1000 : 180'000;
  return now - cycle.last_activity_ms >= delay_ms;
}

}  // namespace

Result<metadata::RecordCycleRow> CycleManager::OpenLocked(const RecordingPlan& plan,
                                                          const std::string& format,
                                                          const metadata::Fence* fence) {
  auto sequence =
      recordings_.TakeSequence(plan.account_id, plan.stream_id, metadata::SequenceKind::kCycle);
  if (!sequence) return Error(sequence.error());
  int64_t now = clock_.NowMs();
  metadata::RecordCycleRow cycle{plan.account_id,
                                 NewId(clock_, random_),
                                 plan.stream_id,
                                 plan.config_id,
                                 format,
                                 *sequence,
                                 ToJson(plan).dump(),
                                 metadata::CycleState::kOpen,
                                 true,
                                 std::nullopt,
                                 std::nullopt,
                                 now,
                                 "",
                                 std::nullopt};
  LIVEREC_RETURN_IF_ERROR(recordings_.InsertCycle(cycle, fence));
  spdlog::info("recorder: {}/{}/{}: {} cycle {} (sequence {}) opened", plan.domain, plan.app,
               plan.stream, format, cycle.id, cycle.sequence);
  return cycle;
}

Result<metadata::RecordCycleRow> CycleManager::Attach(const RecordingPlan& plan,
                                                      const std::string& format,
                                                      int64_t slice_start_ms,
                                                      const metadata::Fence* fence) {
  std::lock_guard lock(mutex_);
  auto open = recordings_.FindOpenCycle(plan.account_id, plan.stream_id, plan.config_id, format);
  if (!open) return Error(open.error());
  if (*open) {
    const auto& cycle = **open;
    const PlanFormat* f = plan.Find(format);
    int64_t cycle_ms = (f ? f->cycle_duration_s : plan.cycle_duration_s) * 1000;
    bool full = cycle.start_ms && slice_start_ms - *cycle.start_ms >= cycle_ms;
    // A publish coming back to a cycle whose close a crash interrupted after its playlist was
    // stored: that close is finished (the stored playlist is the file) and a new cycle begins.
    if (!full && !cycle.live) {
      auto interrupted = PlaylistStoredLocked(cycle);
      if (!interrupted) return Error(interrupted.error());
      full = *interrupted;
    }
    if (!full) {
      if (!cycle.live) {
        LIVEREC_RETURN_IF_ERROR(
            recordings_.SetCycleLive(cycle.account_id, cycle.id, true, clock_.NowMs(), fence));
      }
      return cycle;
    }
    LIVEREC_RETURN_IF_ERROR(CloseLocked(cycle, fence));
  }
  return OpenLocked(plan, format, fence);
}

Status CycleManager::Detach(const std::string& account_id, const std::string& cycle_id,
                            const metadata::Fence* fence) {
  std::lock_guard lock(mutex_);
  return recordings_.SetCycleLive(account_id, cycle_id, false, clock_.NowMs(), fence);
}

Result<std::vector<metadata::RecordCycleRow>> CycleManager::BeginPublish(
    const RecordingPlan& plan, int64_t publish_ms, const metadata::Fence* fence) {
  std::lock_guard lock(mutex_);
  std::vector<metadata::RecordCycleRow> claimed;
  for (const auto& f : plan.formats) {
    auto open =
        recordings_.FindOpenCycle(plan.account_id, plan.stream_id, plan.config_id, f.format);
    if (!open) return Error(open.error());
    if (!*open) continue;
    auto continues = ClaimLocked(plan, **open, publish_ms, fence);
    if (!continues) return Error(continues.error());
    if (*continues) claimed.push_back(**open);
  }
  if (events_) {
    events_->StatusChanged(
        {plan.account_id, plan.domain, plan.app, plan.stream,
         claimed.empty() ? RecordingStatus::kStarted : RecordingStatus::kResumed});
  }
  return claimed;
}

Result<bool> CycleManager::ClaimLocked(const RecordingPlan& plan,
                                       const metadata::RecordCycleRow& cycle, int64_t publish_ms,
                                       const metadata::Fence* fence) {
  // The cycle's own plan: DelayTime and CycleDuration as they were when it opened.
  auto own = PlanOfCycleRow(cycle);
  const RecordingPlan& rules = own ? *own : plan;
  const PlanFormat* f = rules.Find(cycle.format);
  int64_t cycle_ms = (f ? f->cycle_duration_s : rules.cycle_duration_s) * 1000;
  // A live cycle here was claimed by an earlier attempt of this same call (which also moved its
  // last activity to then). In a cluster it may also be a dead node's: the time decides alone.
  bool within =
      (cycle.live && !fence) || publish_ms - cycle.last_activity_ms < rules.delay_time_s * 1000;
  // The next slice starts at the return, or after the last slice if that ends later (a publish
  // pushed faster than real time).
  int64_t next_start = std::max(publish_ms, cycle.end_ms.value_or(publish_ms));
  bool full = cycle.start_ms && next_start - *cycle.start_ms >= cycle_ms;
  if (within && !full) {
    auto interrupted = PlaylistStoredLocked(cycle);  // a crash interrupted its close
    if (!interrupted) return Error(interrupted.error());
    full = *interrupted;
  }
  if (within && !full) {
    if (!cycle.live || fence) {
      LIVEREC_RETURN_IF_ERROR(
          recordings_.SetCycleLive(cycle.account_id, cycle.id, true, clock_.NowMs(), fence));
    }
    return true;
  }
  LIVEREC_RETURN_IF_ERROR(CloseLocked(cycle, fence));
  retry_after_ms_.erase(cycle.id);
  return false;
}

void CycleManager::AnnounceLeave(const RecordingPlan& plan) {
  if (!events_) return;
  events_->StatusChanged(
      {plan.account_id, plan.domain, plan.app, plan.stream, RecordingStatus::kPaused});
}

Result<bool> CycleManager::PlaylistStoredLocked(const metadata::RecordCycleRow& cycle) {
  if (cycle.format != "m3u8" || !index_files_) return false;
  auto stored = index_files_->Find(cycle.account_id, cycle.stream_id, cycle.id);
  if (!stored) return Error(stored.error());
  return stored->has_value();
}

void CycleManager::AnnounceError(const RecordingPlan& plan, const std::string& reason) {
  if (!events_) return;
  events_->StatusChanged(
      {plan.account_id, plan.domain, plan.app, plan.stream, RecordingStatus::kError, reason});
}

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
  std::lock_guard lock(mutex_);
  auto open = recordings_.ListOpenCycles();
  if (!open) return open.error();
  int64_t now = clock_.NowMs();
  Status first_error;
  if (announce_retry_ms_ && now >= *announce_retry_ms_) {
    announce_retry_ms_.reset();
    Status announced = AnnouncePendingLocked();
    if (!announced.ok()) spdlog::error("recorder: announcing files: {}", announced.ToString());
  }
  for (const auto& cycle : *open) {
    if (auto retry = retry_after_ms_.find(cycle.id);
        retry != retry_after_ms_.end() && now < retry->second) {
      continue;
    }
    Status status = CloseIfDueLocked(cycle, now);
    if (!status.ok()) {
      spdlog::error("recorder: cannot close cycle {}: {} (retrying in 60 s)", cycle.id,
                    status.ToString());
      retry_after_ms_[cycle.id] = now + 60'000;
      if (first_error.ok()) first_error = status;
    } else {
      retry_after_ms_.erase(cycle.id);
    }
  }
  return first_error;
}

Status CycleManager::CloseIfDueLocked(const metadata::RecordCycleRow& listed, int64_t now) {
  std::string lease = RecordLeaseName(listed.account_id, listed.stream_id);
  // A publisher of this node feeds it (on a single node: any publisher).
  bool here = leases_ && leases_->HeldHere(lease);
  if (listed.live && (!leases_ || here)) return Status::Ok();
  if (has_backlog_ && has_backlog_(listed.stream_id)) return Status::Ok();  // slices not all in
  if (!DelayPassed(listed, now)) return Status::Ok();
  if (!leases_) return CloseLocked(listed, nullptr);
  // A live cycle of another node counts as left at its last activity once nobody holds the
  // stream's lease: its node died (or lost the stream while paused).
  auto fence = leases_->Acquire(lease);
  if (!fence) {
    return fence.error().code() == ErrorCode::kLeaseHeld ? Status::Ok() : fence.error();
  }
  // Read again under the lease: no other node changes the cycle now.
  auto cycle = recordings_.FindCycle(listed.account_id, listed.id);
  Status status = cycle ? Status::Ok() : cycle.error();
  if (cycle && *cycle && (*cycle)->state == metadata::CycleState::kOpen &&
      !((*cycle)->live && here) && DelayPassed(**cycle, now)) {
    status = CloseLocked(**cycle, &*fence);
  }
  leases_->Release(*fence);
  return status;
}

void DeleteStaleObject(storage::ObjectStore& store, const std::string& key, const Status& why) {
  Status deleted = store.Delete(key);
  spdlog::warn("recorder: {}: stored by a node that lost the stream ({}); {}", key, why.ToString(),
               deleted.ok() ? "deleted" : "not deleted: " + deleted.ToString());
}

Status CycleManager::CloseStreamNow(const std::string& account_id, const std::string& stream_id) {
  if (has_backlog_ && has_backlog_(stream_id)) {
    spdlog::warn(
        "recorder: stream {}: slices wait to be stored; its files close once they are "
        "in and DelayTime has passed",
        stream_id);
    return Status::Ok();
  }
  std::lock_guard lock(mutex_);
  auto open = recordings_.ListOpenCycles();
  if (!open) return open.error();
  Status first_error;
  std::optional<metadata::Fence> fence;
  if (leases_) {
    auto taken = leases_->Acquire(RecordLeaseName(account_id, stream_id));
    if (!taken) return taken.error();  // another node publishes it again: its cycles now
    fence = *taken;
  }
  for (const auto& cycle : *open) {
    if (cycle.account_id != account_id || cycle.stream_id != stream_id) continue;
    Status status = CloseLocked(cycle, fence ? &*fence : nullptr);
    if (!status.ok()) {
      // CloseExpired retries it once its DelayTime has passed.
      spdlog::error("recorder: cannot close cycle {} now: {}", cycle.id, status.ToString());
      if (first_error.ok()) first_error = status;
    }
  }
  if (fence) leases_->Release(*fence);
  return first_error;
}

}  // namespace liverec::recorder
