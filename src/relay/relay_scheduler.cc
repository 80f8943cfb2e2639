#include "relay/relay_scheduler.h"

#include <algorithm>

namespace liverec::relay {
namespace {

std::string_view FailureName(RelayFailure failure) {
  switch (failure) {
    case RelayFailure::kPullStreamFailed:
      return kReasonPullStreamFailed;
    case RelayFailure::kPushStreamFailed:
      return kReasonPushStreamFailed;
    case RelayFailure::kUnknownError:
      return kReasonUnknownError;
  }
  return kReasonUnknownError;
}

bool RuntimeDiffers(const RelayTask& a, const RelayTask& b) {
  return a.status != b.status || a.invalid_reason != b.invalid_reason ||
         a.exit_time_ms != b.exit_time_ms || a.exit_reason != b.exit_reason ||
         a.current_file_index != b.current_file_index || a.current_offset_s != b.current_offset_s ||
         a.remaining_repeats != b.remaining_repeats || a.retries_used != b.retries_used ||
         a.next_attempt_ms != b.next_attempt_ms;
}

// The relay's own fields (status, reasons, retries, progress) from `from` into `to`.
void CopyRuntime(const RelayTask& from, RelayTask& to) {
  to.status = from.status;
  to.invalid_reason = from.invalid_reason;
  to.exit_time_ms = from.exit_time_ms;
  to.exit_reason = from.exit_reason;
  to.retries_used = from.retries_used;
  to.next_attempt_ms = from.next_attempt_ms;
  to.current_file_index = from.current_file_index;
  to.current_offset_s = from.current_offset_s;
  to.remaining_repeats = from.remaining_repeats;
}

RelayJob JobOf(const RelayTask& task, uint64_t attempt) {
  RelayJob job;
  job.task_id = task.task_id;
  job.account_id = task.account_id;
  job.attempt = attempt;
  job.source_type = task.source_type;
  job.source_protocol = task.source_protocol;
  job.source_urls = task.source_urls;
  job.dst_url = task.dst_url;
  job.file_index = static_cast<int>(task.current_file_index);
  job.offset_s = task.current_offset_s;
  job.repeat_number = static_cast<int>(task.remaining_repeats);
  return job;
}

bool IsUserStop(const RelayTask& before, const RelayTask& row) {
  TaskStatus was = StatusOf(before);
  return StatusOf(row) == TaskStatus::kOffline && row.invalid_reason == kReasonTriggerByUser &&
         (was == TaskStatus::kIdle || was == TaskStatus::kRunning ||
          was == TaskStatus::kRecovering);
}

}  // namespace

RelayScheduler::RelayScheduler(const Clock& clock, SchedulerOptions options)
    : clock_(clock), options_(options) {}

SchedulerEffects RelayScheduler::Load(std::vector<RelayTask> tasks) {
  Batch batch;
  std::map<std::string, uint64_t> attempts;  // numbering goes on: late reports stay stale
  for (auto& [id, entry] : entries_) {
    if (entry.active) batch.effects.stop.push_back(id);
    attempts[id] = entry.attempt;
  }
  entries_.clear();
  for (auto& task : tasks) {
    Entry& entry = entries_[task.task_id];
    entry.attempt = attempts[task.task_id];
    entry.task = std::move(task);
    Resume(batch, entry);
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    std::string id = (it++)->first;
    Evaluate(batch, id);
  }
  return Finish(batch);
}

SchedulerEffects RelayScheduler::Upsert(const RelayTask& task) {
  Batch batch;
  auto it = entries_.find(task.task_id);
  if (it == entries_.end()) {
    entries_[task.task_id].task = task;
  } else {
    Merge(batch, it->second, task);
  }
  Evaluate(batch, task.task_id);
  return Finish(batch);
}

SchedulerEffects RelayScheduler::Remove(const std::string& task_id) {
  Batch batch;
  auto it = entries_.find(task_id);
  if (it == entries_.end()) return Finish(batch);
  Entry& entry = it->second;
  if (entry.active) StopAttempt(batch, entry);
  TaskEvent exit{TaskEvent::Kind::kExited, entry.task, clock_.NowMs()};
  SetStatus(exit.task, TaskStatus::kExited);
  exit.task.invalid_reason.clear();
  exit.task.exit_reason = std::string(kReasonTriggerByUser);
  exit.task.exit_time_ms = exit.at_ms;
  if (StatusOf(entry.task) != TaskStatus::kExited) batch.effects.events.push_back(std::move(exit));
  entries_.erase(it);
  batch.dirty.erase(task_id);
  return Finish(batch);
}

SchedulerEffects RelayScheduler::Adopt(const RelayTask& task) {
  Batch batch;
  auto [it, added] = entries_.try_emplace(task.task_id);
  Entry& entry = it->second;
  if (added) {
    auto past = past_attempts_.find(task.task_id);
    if (past != past_attempts_.end()) {
      entry.attempt = past->second;
      past_attempts_.erase(past);
    }
  }
  if (entry.active) StopAttempt(batch, entry);
  entry.task = task;
  Resume(batch, entry);
  Evaluate(batch, task.task_id);
  return Finish(batch);
}

SchedulerEffects RelayScheduler::Forget(const std::string& task_id) {
  Batch batch;
  auto it = entries_.find(task_id);
  if (it == entries_.end()) return Finish(batch);
  if (it->second.active) StopAttempt(batch, it->second);
  past_attempts_[task_id] = it->second.attempt;
  entries_.erase(it);
  return Finish(batch);
}

// The relay died with the process (or node) that ran it: resume at once, not counted as a
// retry. A recovering task keeps its pending retry time.
void RelayScheduler::Resume(Batch& batch, Entry& entry) {
  if (StatusOf(entry.task) != TaskStatus::kRunning) return;
  entry.task.next_attempt_ms = clock_.NowMs();
  ChangeStatus(batch, entry, TaskStatus::kRecovering, "");
}

SchedulerEffects RelayScheduler::OnReport(const RelayReport& report) {
  Batch batch;
  auto it = entries_.find(report.task_id);
  if (it == entries_.end() || !it->second.active || it->second.attempt != report.attempt) {
    return Finish(batch);
  }
  ApplyReport(batch, it->second, report);
  Evaluate(batch, report.task_id);
  return Finish(batch);
}

SchedulerEffects RelayScheduler::Tick() {
  Batch batch;
  for (auto it = entries_.begin(); it != entries_.end();) {
    std::string id = (it++)->first;  // Evaluate may erase this entry
    Evaluate(batch, id);
  }
  return Finish(batch);
}

std::optional<int64_t> RelayScheduler::NextWakeMs() const {
  std::optional<int64_t> next;
  auto consider = [&](int64_t at) { next = next ? std::min(*next, at) : at; };
  for (const auto& [id, entry] : entries_) {
    const RelayTask& t = entry.task;
    TaskStatus status = StatusOf(t);
    if (status == TaskStatus::kExited) {
      consider(t.end_time_ms + options_.exited_retention_ms);
      continue;
    }
    consider(t.end_time_ms);
    if (entry.active) continue;
    if (status == TaskStatus::kIdle) consider(t.start_time_ms);
    if (status == TaskStatus::kRecovering) consider(t.next_attempt_ms);
  }
  return next;
}

const RelayTask* RelayScheduler::Find(const std::string& task_id) const {
  auto it = entries_.find(task_id);
  return it == entries_.end() ? nullptr : &it->second.task;
}

bool RelayScheduler::IsAttemptActive(const std::string& task_id) const {
  auto it = entries_.find(task_id);
  return it != entries_.end() && it->second.active;
}

std::vector<std::string> RelayScheduler::ActiveAttempts() const {
  std::vector<std::string> active;
  for (const auto& [id, entry] : entries_) {
    if (entry.active) active.push_back(id);
  }
  return active;
}

void RelayScheduler::Evaluate(Batch& batch, const std::string& task_id) {
  auto it = entries_.find(task_id);
  if (it == entries_.end()) return;
  Entry& entry = it->second;
  RelayTask& t = entry.task;
  int64_t now = clock_.NowMs();
  TaskStatus status = StatusOf(t);
  if (status == TaskStatus::kExited) {
    if (now >= t.end_time_ms + options_.exited_retention_ms) {
      batch.effects.remove.push_back(t);
      batch.dirty.erase(task_id);
      entries_.erase(it);
    }
    return;
  }
  if (now >= t.end_time_ms) {
    if (entry.active) StopAttempt(batch, entry);
    t = ViewAt(t, now);
    batch.dirty.insert(task_id);
    batch.effects.events.push_back({TaskEvent::Kind::kExited, t, now});
    return;
  }
  if (entry.active) return;
  bool due = (status == TaskStatus::kIdle && now >= t.start_time_ms) ||
             ((status == TaskStatus::kRecovering || status == TaskStatus::kRunning) &&
              now >= t.next_attempt_ms);
  if (due) StartAttempt(batch, entry);
}

void RelayScheduler::StartAttempt(Batch& batch, Entry& entry) {
  entry.active = true;
  entry.attempt += 1;
  batch.effects.start.push_back(JobOf(entry.task, entry.attempt));
}

void RelayScheduler::StopAttempt(Batch& batch, Entry& entry) {
  entry.active = false;
  batch.effects.stop.push_back(entry.task.task_id);
}

void RelayScheduler::ChangeStatus(Batch& batch, Entry& entry, TaskStatus status,
                                  std::string invalid_reason) {
  RelayTask& t = entry.task;
  bool changed = StatusOf(t) != status || t.invalid_reason != invalid_reason;
  SetStatus(t, status);
  t.invalid_reason = std::move(invalid_reason);
  batch.dirty.insert(t.task_id);
  if (changed) {
    batch.effects.events.push_back({TaskEvent::Kind::kStatusChanged, t, clock_.NowMs()});
  }
}

void RelayScheduler::ApplyReport(Batch& batch, Entry& entry, const RelayReport& report) {
  RelayTask& t = entry.task;
  if (report.kind == RelayReport::Kind::kRunning || report.kind == RelayReport::Kind::kProgress ||
      report.kind == RelayReport::Kind::kItemSwitched) {
    if (t.source_type == "url") {
      t.current_file_index = report.current_file_index;
      t.current_offset_s = report.current_offset_s;
      t.remaining_repeats = report.remaining_repeats;
    }
    batch.dirty.insert(t.task_id);
  }
  switch (report.kind) {
    case RelayReport::Kind::kRunning:
      t.retries_used = 0;
      t.next_attempt_ms = 0;
      ChangeStatus(batch, entry, TaskStatus::kRunning, "");
      break;
    case RelayReport::Kind::kProgress:
      break;
    case RelayReport::Kind::kItemSwitched:
      if (t.source_type == "url" && t.notify_item_switch) {
        batch.effects.events.push_back(
            {TaskEvent::Kind::kItemSwitched, t, clock_.NowMs(), report.current_file_url});
      }
      break;
    case RelayReport::Kind::kFailed:
      entry.active = false;
      if (t.retries_used < t.retry_count) {
        t.retries_used += 1;
        t.next_attempt_ms = clock_.NowMs() + t.retry_interval_s * 1000;
        ChangeStatus(batch, entry, TaskStatus::kRecovering, "");
      } else {
        t.next_attempt_ms = 0;
        ChangeStatus(batch, entry, TaskStatus::kOffline, std::string(FailureName(report.failure)));
      }
      break;
    case RelayReport::Kind::kFinished:
      entry.active = false;
      t.next_attempt_ms = 0;
      ChangeStatus(batch, entry, TaskStatus::kOffline, "");
      break;
  }
}

void RelayScheduler::Merge(Batch& batch, Entry& entry, const RelayTask& row) {
  const RelayTask before = entry.task;
  RelayTask merged = row;
  const bool user_stop = row.restarts == before.restarts && IsUserStop(before, row);
  if (row.restarts != before.restarts || user_stop) {
    // The user restarted or stopped the task: the row's state wins, the relay stops.
    if (entry.active) StopAttempt(batch, entry);
    if (user_stop) {
      batch.effects.events.push_back({TaskEvent::Kind::kStatusChanged, row, clock_.NowMs()});
    }
  } else {
    CopyRuntime(before, merged);
    bool started = entry.active || StatusOf(before) != TaskStatus::kIdle;
    if (!started) {
      // Not started yet: the progress follows the (possibly updated) configuration.
      merged.current_file_index = row.current_file_index;
      merged.current_offset_s = row.current_offset_s;
      merged.remaining_repeats = row.remaining_repeats;
    } else if (row.repeat_number != before.repeat_number) {
      merged.remaining_repeats =
          AdjustRemainingRepeats(before.repeat_number, row.repeat_number, before.remaining_repeats);
      if (entry.active && merged.source_type == "url") {
        batch.effects.set_repeats.emplace_back(merged.task_id,
                                               static_cast<int>(merged.remaining_repeats));
      }
    }
  }
  entry.task = std::move(merged);
  if (RuntimeDiffers(entry.task, row)) batch.dirty.insert(row.task_id);
}

SchedulerEffects RelayScheduler::Finish(Batch& batch) {
  for (const auto& id : batch.dirty) {
    auto it = entries_.find(id);
    if (it == entries_.end()) continue;
    batch.effects.save.push_back(it->second.task);
    it->second.task.revision += 1;  // what the store will hold once this save succeeds
  }
  return std::move(batch.effects);
}

}  // namespace liverec::relay
