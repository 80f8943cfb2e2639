// CycleManager, announcing stored files: each recording file's row (index_files for a cycle's
// m3u8 playlist, record_files for an MP4/FLV file) is written unannounced, RecordingEvents is
// told, and the row is marked announced. A crash or a failed call between the row and the mark
// leaves the row unannounced; AnnouncePending (at start, and a minute after a failed call) tells
// the events again, rebuilding the event from the row and the plan kept in its cycle. The events
// are idempotent per file (recording_events.h), so a file is never announced twice. A file is
// announced under its cycle's claim: by the task closing the cycle, or by AnnouncePending when
// no task has it.
#include <spdlog/spdlog.h>

#include "recorder/cycle_manager.h"

namespace liverec::recorder {

bool CycleManager::AnnounceLocked(const RecordingPlan& plan, const metadata::IndexFileRow& f) {
  if (!events_ || f.announced) return true;
  // The cycle's playlist: its RecordId is the cycle id.
  CreatedFile file{f.account_id,  plan.domain, plan.app, plan.stream,   f.format,   f.id,
                   f.id,          f.endpoint,  f.bucket, f.object_key,  f.start_ms, f.end_ms,
                   f.duration_ms, f.width,     f.height, plan.push_args};
  return TellLocked(file, [&]() -> Status {
    return index_files_ ? index_files_->MarkAnnounced(f.account_id, f.id) : Status::Ok();
  });
}

bool CycleManager::AnnounceLocked(const RecordingPlan& plan, const metadata::RecordFileRow& f) {
  if (!events_ || f.announced) return true;
  CreatedFile file{f.account_id,  plan.domain, plan.app, plan.stream,   f.format,   f.id,
                   f.cycle_id,    f.endpoint,  f.bucket, f.object_key,  f.start_ms, f.end_ms,
                   f.duration_ms, f.width,     f.height, plan.push_args};
  return TellLocked(file, [&] { return recordings_.MarkRecordFileAnnounced(f.account_id, f.id); });
}

bool CycleManager::TellLocked(const CreatedFile& file, const std::function<Status()>& mark) {
  Status told = events_->FileCreated(file);
  Status marked = told.ok() ? mark() : Status::Ok();
  if (told.ok() && marked.ok()) return true;
  spdlog::error("recorder: {}/{}/{}: {} {} (tried again in {} s)", file.domain, file.app,
                file.stream, file.object_key,
                told.ok() ? "announced but not marked: " + marked.ToString()
                          : "not announced: " + told.ToString(),
                kAnnounceRetryMs / 1000);
  std::lock_guard lock(state_mutex_);
  if (!announce_retry_ms_) announce_retry_ms_ = clock_.NowMs() + kAnnounceRetryMs;
  return false;
}

Result<RecordingPlan> CycleManager::PlanOfCycle(const std::string& account_id,
                                                const std::string& cycle_id) {
  auto cycle = recordings_.FindCycle(account_id, cycle_id);
  if (!cycle) return Error(cycle.error());
  if (!*cycle) return Error(ErrorCode::kInternalError, "", "its cycle " + cycle_id + " is missing");
  return PlanOfCycleRow(**cycle);
}

Status CycleManager::AnnouncePending() { return AnnouncePendingNow(); }

Status CycleManager::AnnouncePendingNow() {
  if (!events_) return Status::Ok();
  int announced = 0;
  int left = 0;
  auto announce = [&](const std::string& account_id, const std::string& cycle_id,
                      const std::string& key, const auto& row) {
    // A task closing the cycle now announces its files itself.
    auto claim = cycle_claims_.TryLock(cycle_id);
    if (!claim) return;
    auto plan = PlanOfCycle(account_id, cycle_id);
    if (!plan) {
      spdlog::error("recorder: stored file {} cannot be announced: {}", key,
                    plan.error().ToString());
      ++left;
    } else if (AnnounceLocked(*plan, row)) {
      ++announced;
    } else {
      ++left;
    }
  };
  if (index_files_) {
    auto playlists = index_files_->ListUnannounced();
    if (!playlists) return playlists.error();
    for (const auto& f : *playlists) announce(f.account_id, f.id, f.object_key, f);
  }
  auto files = recordings_.ListUnannouncedRecordFiles();
  if (!files) return files.error();
  for (const auto& f : *files) announce(f.account_id, f.cycle_id, f.object_key, f);
  if (announced > 0 || left > 0) {
    spdlog::info("recorder: {} stored files announced again ({} left unannounced)", announced,
                 left);
  }
  return Status::Ok();
}

}  // namespace liverec::recorder
