// RelayScheduler: the pure decision-maker of pull-to-push tasks (docs/api/relay.md).
// It never touches a socket, a file, the database or a thread: it is told the tasks (Load,
// Upsert, Remove), what the runner reported (OnReport) and that time passed (Tick), reads the
// time from its Clock, and answers with effects for its driver to carry out, in this order:
// stop relays, start relays, change repeats, save rows, delete rows, send callbacks.
//
// What it decides, per task:
//   idle       at StartTime start an attempt (status stays 0 until the runner reports running)
//   running    on a failure: retry after RetryInterval while retries remain (status 2
//              recovering), then offline (3) with TaskInvalidReason = the failure
//              (PullStreamFailed / PushStreamFailed / UnknownError); a running report resets
//              the retries, so each outage gets RetryCount retries
//   url done   a playlist that finished goes offline with an empty TaskInvalidReason
//   url switch the runner moved on to the next file (or pass): the progress is saved, and a
//              task with NotifyItemSwitch gets an item-switch event
//   EndTime    stop the relay, exited (-1, OverEndTime, TaskExitTime = EndTime); the row is
//              deleted once the exited-task retention has passed
//   restart    (server) Load turns running and recovering tasks into recovering, due at once;
//              so does Adopt, for one task another node held (cluster mode)
//   user       Upsert adopts the stored row: a new `restarts` count stops the relay and starts
//              it again, a user Stop (offline) stops it and reports offline (TriggerByUser), a
//              RepeatNumber change reaches the running relay; Remove stops it and reports an
//              exit (TriggerByUser).
//
// Saves are compare-and-set (metadata::RelayTaskRepository::Update): each saved row carries the
// revision it was read at, and the scheduler counts its own saves. When a save conflicts, the
// driver reads the row again and passes it to Upsert, which keeps the scheduler's view of the
// relay (status, progress, retries) unless the user changed it, and saves again.
//
// Thread-safety: not thread-safe; one driver (a strand) calls it. Reports from runner threads
// must be handed to that strand first.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "relay/relay_runner.h"
#include "relay/relay_task.h"

namespace liverec::relay {

struct SchedulerOptions {
  int64_t exited_retention_ms = kDefaultExitedRetentionMs;
};

// A change worth a callback to the task's CallbackUrl.
struct TaskEvent {
  enum class Kind {
    kStatusChanged,  // now running (1), recovering (2) or offline (3)
    kExited,         // EndTime reached (OverEndTime) or deleted (TriggerByUser)
    kItemSwitched,   // url sources with NotifyItemSwitch: playback moved on to the next file
  };
  Kind kind = Kind::kStatusChanged;
  RelayTask task;  // after the change
  int64_t at_ms = 0;
  std::string file_url;  // kItemSwitched: the file now played, as the attempt's list names it
};

struct SchedulerEffects {
  std::vector<std::string> stop;                         // RelayRunner::Stop, first
  std::vector<RelayJob> start;                           // RelayRunner::Start
  std::vector<std::pair<std::string, int>> set_repeats;  // RelayRunner::SetRemainingRepeats
  std::vector<RelayTask> save;    // RelayTaskRepository::Update, compare-and-set on revision
  std::vector<RelayTask> remove;  // RelayTaskRepository::Delete (retention over)
  std::vector<TaskEvent> events;  // callbacks
  bool empty() const {
    return stop.empty() && start.empty() && set_repeats.empty() && save.empty() && remove.empty() &&
           events.empty();
  }
};

class RelayScheduler {
 public:
  RelayScheduler(const Clock& clock, SchedulerOptions options);

  // Replaces every task with `tasks` (the repository's rows at server start) and decides.
  SchedulerEffects Load(std::vector<RelayTask> tasks);
  // A task the user created or changed, as stored.
  SchedulerEffects Upsert(const RelayTask& task);
  // A task the user deleted (its row is gone already).
  SchedulerEffects Remove(const std::string& task_id);
  // Cluster mode: a task this node has just taken over (its lease), as stored. Like Load for one
  // task: one that was running (on the node that held it before) is recovering, due at once.
  SchedulerEffects Adopt(const RelayTask& task);
  // Cluster mode: this node no longer holds the task. Its relay stops (if any); nothing is
  // saved and no callback is sent: the task's state is the new holder's business.
  SchedulerEffects Forget(const std::string& task_id);
  // What a runner reported; reports of attempts that are over are ignored.
  SchedulerEffects OnReport(const RelayReport& report);
  // Time passed: starts, retries, EndTime, retention.
  SchedulerEffects Tick();

  // The earliest time at which Tick has something to do (nullopt: nothing scheduled).
  std::optional<int64_t> NextWakeMs() const;
  // The scheduler's view of a task (nullptr when it has none).
  const RelayTask* Find(const std::string& task_id) const;
  bool IsAttemptActive(const std::string& task_id) const;
  // The tasks whose attempt is running in the runner.
  std::vector<std::string> ActiveAttempts() const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    RelayTask task;
    bool active = false;   // an attempt is running in the runner
    uint64_t attempt = 0;  // the task's latest attempt: 1, 2, 3, ... (RelayJob::attempt)
  };
  // The effects of one call, and the tasks it changed (saved once at the end).
  struct Batch {
    SchedulerEffects effects;
    std::set<std::string> dirty;
  };

  void Resume(Batch& batch, Entry& entry);
  void Evaluate(Batch& batch, const std::string& task_id);
  void StartAttempt(Batch& batch, Entry& entry);
  void StopAttempt(Batch& batch, Entry& entry);
  void ChangeStatus(Batch& batch, Entry& entry, TaskStatus status, std::string invalid_reason);
  void ApplyReport(Batch& batch, Entry& entry, const RelayReport& report);
  void Merge(Batch& batch, Entry& entry, const RelayTask& row);
  SchedulerEffects Finish(Batch& batch);

  const Clock& clock_;
  SchedulerOptions options_;
  std::map<std::string, Entry> entries_;  // by task id
  // The last attempt of tasks forgotten (Forget), so that an Adopt later goes on numbering and
  // the forgotten attempt's late reports stay stale.
  std::map<std::string, uint64_t> past_attempts_;
};

}  // namespace liverec::relay
