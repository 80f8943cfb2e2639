#include "recorder/cycle_manager.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "base/ids.h"

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
  std::vector<metadata::RecordCycleRow> closing;
  auto attached = [&]() -> Result<metadata::RecordCycleRow> {
    auto lock = streams_.Lock(RecordLeaseName(plan.account_id, plan.stream_id));
    auto open = recordings_.FindOpenCycle(plan.account_id, plan.stream_id, plan.config_id, format);
    if (!open) return Error(open.error());
    if (*open) {
      const auto& cycle = **open;
      const PlanFormat* f = plan.Find(format);
      int64_t cycle_ms = (f ? f->cycle_duration_s : plan.cycle_duration_s) * 1000;
      bool full = cycle.start_ms && slice_start_ms - *cycle.start_ms >= cycle_ms;
      // A publish coming back to a cycle whose close a crash interrupted after its playlist was
      // stored (by a version that kept closing cycles open): that close is finished (the stored
      // playlist is the file) and a new cycle begins.
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
      auto marked = recordings_.MarkCycleClosing(cycle.account_id, cycle.id, fence);
      if (!marked) return Error(marked.error());
      closing.push_back(cycle);
    }
    return OpenLocked(plan, format, fence);
  }();
  // The full cycle's files are written elsewhere; a failure there is retried by CloseExpired.
  Status handed = CloseOrHandOver(closing);
  if (!handed.ok()) {
    spdlog::error("recorder: {}/{}/{}: {} cycle {} not closed yet: {}", plan.domain, plan.app,
                  plan.stream, format, closing.front().id, handed.ToString());
  }
  return attached;
}

Status CycleManager::Detach(const std::string& account_id, const std::string& cycle_id,
                            const metadata::Fence* fence) {
  auto cycle = recordings_.FindCycle(account_id, cycle_id);
  if (!cycle) return cycle.error();
  if (!*cycle) return Status::Ok();
  auto lock = streams_.Lock(RecordLeaseName(account_id, (*cycle)->stream_id));
  return recordings_.SetCycleLive(account_id, cycle_id, false, clock_.NowMs(), fence);
}

Result<std::vector<metadata::RecordCycleRow>> CycleManager::BeginPublish(
    const RecordingPlan& plan, int64_t publish_ms, const metadata::Fence* fence) {
  std::vector<metadata::RecordCycleRow> claimed;
  std::vector<metadata::RecordCycleRow> closing;
  Status status = [&]() -> Status {
    auto lock = streams_.Lock(RecordLeaseName(plan.account_id, plan.stream_id));
    for (const auto& f : plan.formats) {
      auto open =
          recordings_.FindOpenCycle(plan.account_id, plan.stream_id, plan.config_id, f.format);
      if (!open) return open.error();
      if (!*open) continue;
      auto continues = ClaimLocked(plan, **open, publish_ms, fence, closing);
      if (!continues) return continues.error();
      if (*continues) claimed.push_back(**open);
    }
    return Status::Ok();
  }();
  Status handed = CloseOrHandOver(closing);
  if (!handed.ok()) {
    spdlog::error("recorder: {}/{}/{}: a cycle before this publish is not closed yet: {}",
                  plan.domain, plan.app, plan.stream, handed.ToString());
  }
  if (!status.ok()) return Error(status);
  if (events_) {
    events_->StatusChanged(
        {plan.account_id, plan.domain, plan.app, plan.stream,
         claimed.empty() ? RecordingStatus::kStarted : RecordingStatus::kResumed});
  }
  return claimed;
}

Result<bool> CycleManager::ClaimLocked(const RecordingPlan& plan,
                                       const metadata::RecordCycleRow& cycle, int64_t publish_ms,
                                       const metadata::Fence* fence,
                                       std::vector<metadata::RecordCycleRow>& closing) {
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
  auto marked = recordings_.MarkCycleClosing(cycle.account_id, cycle.id, fence);
  if (!marked) return Error(marked.error());
  closing.push_back(cycle);
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
void DeleteStaleObject(storage::ObjectStore& store, const std::string& key, const Status& why) {
  Status deleted = store.Delete(key);
  spdlog::warn("recorder: {}: stored by a node that lost the stream ({}); {}", key, why.ToString(),
               deleted.ok() ? "deleted" : "not deleted: " + deleted.ToString());
}
}  // namespace liverec::recorder
