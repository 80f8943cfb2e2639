// The pull-to-push task model (docs/api/relay.md): what the statuses and reasons mean,
// and the time-driven part of the status machine as pure functions of (task, now), so the API
// answers exactly what the scheduler would have done by `now` even when no scheduler runs.
//
// A task is stored as metadata::RelayTaskRow; RelayTask is the same struct. Statuses:
//   0 idle        not started: before StartTime, or waiting for its first attempt to run
//   1 running     media flows
//   2 recovering  the last attempt failed (or the server restarted); the next one is due at
//                 next_attempt_ms
//   3 offline     stopped: retries used up (TaskInvalidReason = the failure), StopLivePullToPush
//                 (TriggerByUser), or a url playlist that finished ("")
//  -1 exited      EndTime reached (TaskExitReason OverEndTime, TaskExitTime = EndTime); still
//                 answerable until EndTime + the exited-task retention, then gone.
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "metadata/relay_task_repository.h"

namespace liverec::relay {

using RelayTask = metadata::RelayTaskRow;

enum class TaskStatus : int64_t {
  kExited = -1,
  kIdle = 0,
  kRunning = 1,
  kRecovering = 2,
  kOffline = 3,
};

inline TaskStatus StatusOf(const RelayTask& task) { return static_cast<TaskStatus>(task.status); }
inline void SetStatus(RelayTask& task, TaskStatus status) {
  task.status = static_cast<int64_t>(status);
}

// TaskInvalidReason and TaskExitReason values, as the cloud spells them.
inline constexpr std::string_view kReasonPullStreamFailed = "PullStreamFailed";
inline constexpr std::string_view kReasonPushStreamFailed = "PushStreamFailed";
inline constexpr std::string_view kReasonUnknownError = "UnknownError";
inline constexpr std::string_view kReasonTriggerByUser = "TriggerByUser";
inline constexpr std::string_view kReasonOverEndTime = "OverEndTime";

// How long an exited task stays answerable after its EndTime (docs/api/relay.md): 24 hours
// unless the server config says otherwise ([relay] exited_retention_s).
inline constexpr int64_t kDefaultExitedRetentionMs = 24LL * 3600 * 1000;

// The task as of `now_ms`: once EndTime has passed, a task that has not exited yet is shown
// exited (OverEndTime at EndTime), exactly as the scheduler will record it.
RelayTask ViewAt(const RelayTask& task, int64_t now_ms);

// True once the task is past its retention: it is answered as not found and may be deleted.
bool IsGoneAt(const RelayTask& task, int64_t now_ms, int64_t exited_retention_ms);

// ReqAuth yes needs an AuthKey to sign with: MissingAuthKey when the task has none.
Status CheckCallbackAuth(const RelayTask& task);

// The progress fields of a task about to play from its configured start: current file and
// offset from FileIndex/Offset, the repeats from RepeatNumber.
void ResetProgress(RelayTask& task);

// A RepeatNumber changed from `old_repeats` to `new_repeats` while `remaining` full passes were
// left: -1 stays forever; otherwise the passes left change by the difference (never below 0).
int64_t AdjustRemainingRepeats(int64_t old_repeats, int64_t new_repeats, int64_t remaining);

}  // namespace liverec::relay
