#include "relay/task_commands.h"

#include <fmt/format.h>

namespace liverec::relay {
namespace {

bool IsActive(const RelayTask& task, int64_t now_ms) {
  switch (StatusOf(task)) {
    case TaskStatus::kRunning:
    case TaskStatus::kRecovering:
      return true;
    case TaskStatus::kIdle:
      return now_ms >= task.start_time_ms;
    case TaskStatus::kOffline:
    case TaskStatus::kExited:
      return false;
  }
  return false;
}

// The fields that change what is played; they reach the relay at its next (re)start.
void ApplySourceFields(RelayTask& task, const TaskUpdate& update) {
  if (update.source_urls) task.source_urls = *update.source_urls;
  if (update.offset_s) task.offset_s = *update.offset_s;
  if (update.file_index) task.file_index = *update.file_index;
}

}  // namespace

bool ApplyStop(RelayTask& task, int64_t now_ms) {
  if (!IsActive(task, now_ms)) return false;
  SetStatus(task, TaskStatus::kOffline);
  task.invalid_reason = std::string(kReasonTriggerByUser);
  task.next_attempt_ms = 0;
  return true;
}

Result<bool> ApplyRestart(RelayTask& task, int64_t now_ms) {
  if (StatusOf(task) == TaskStatus::kExited) return Error(ErrorCode::kRelayTaskExited);
  if (now_ms < task.start_time_ms) return false;
  SetStatus(task, TaskStatus::kIdle);
  task.invalid_reason.clear();
  task.retries_used = 0;
  task.next_attempt_ms = 0;
  task.restarts += 1;
  ResetProgress(task);
  return true;
}

Status ApplyUpdate(RelayTask& task, const TaskUpdate& update, int64_t now_ms) {
  TaskStatus status = StatusOf(task);
  if (status == TaskStatus::kExited) return Status(ErrorCode::kRelayTaskExited);
  RelayTask next = task;
  if (update.callback_url) next.callback_url = *update.callback_url;
  if (update.req_auth) next.req_auth = *update.req_auth;
  if (update.auth_key) next.auth_key = *update.auth_key;
  if (update.notify_item_switch) next.notify_item_switch = *update.notify_item_switch;
  if (update.end_time_ms) next.end_time_ms = *update.end_time_ms;
  if (update.repeat_number) {
    next.remaining_repeats =
        AdjustRemainingRepeats(next.repeat_number, *update.repeat_number, next.remaining_repeats);
    next.repeat_number = *update.repeat_number;
  }
  ApplySourceFields(next, update);
  if (status == TaskStatus::kIdle) {
    if (update.region) next.region = *update.region;
    if (update.start_time_ms) next.start_time_ms = *update.start_time_ms;
    ResetProgress(next);
  } else if (status == TaskStatus::kOffline) {
    if (update.start_time_ms) next.start_time_ms = *update.start_time_ms;
  }
  if (next.end_time_ms <= next.start_time_ms || next.end_time_ms <= now_ms) {
    return Status(ErrorCode::kRelayIllegalDuration);
  }
  if (next.file_index < 0 || next.file_index >= static_cast<int64_t>(next.source_urls.size())) {
    return Status(ErrorCode::kInvalidFileIndexMalformed, "",
                  fmt::format("FileIndex must be below the number of source URLs ({}).",
                              next.source_urls.size()));
  }
  LIVEREC_RETURN_IF_ERROR(CheckCallbackAuth(next));
  task = std::move(next);
  return Status::Ok();
}

}  // namespace liverec::relay
