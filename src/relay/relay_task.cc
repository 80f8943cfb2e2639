#include "relay/relay_task.h"

#include <algorithm>

namespace liverec::relay {

RelayTask ViewAt(const RelayTask& task, int64_t now_ms) {
  RelayTask view = task;
  if (StatusOf(view) != TaskStatus::kExited && now_ms >= view.end_time_ms) {
    SetStatus(view, TaskStatus::kExited);
    view.invalid_reason.clear();
    view.exit_reason = std::string(kReasonOverEndTime);
    view.exit_time_ms = view.end_time_ms;
    view.next_attempt_ms = 0;
  }
  return view;
}

bool IsGoneAt(const RelayTask& task, int64_t now_ms, int64_t exited_retention_ms) {
  return now_ms >= task.end_time_ms + exited_retention_ms;
}

Status CheckCallbackAuth(const RelayTask& task) {
  if (task.req_auth && task.auth_key.empty()) {
    return Status(ErrorCode::kMissingArgument, "AuthKey",
                  "AuthKey is required when ReqAuth is yes.");
  }
  return Status::Ok();
}

void ResetProgress(RelayTask& task) {
  task.current_file_index = task.file_index;
  task.current_offset_s = task.offset_s;
  task.remaining_repeats = task.repeat_number;
}

int64_t AdjustRemainingRepeats(int64_t old_repeats, int64_t new_repeats, int64_t remaining) {
  if (new_repeats < 0) return -1;
  if (old_repeats < 0 || remaining < 0) return new_repeats;
  return std::max<int64_t>(0, remaining + (new_repeats - old_repeats));
}

}  // namespace liverec::relay
