// The user's commands on a pull-to-push task (docs/api/relay.md "Status
// machine"), as pure functions over a task already viewed at `now` (relay::ViewAt). The API
// applies them and stores the result; the scheduler picks the change up (RelayTaskListener) and
// stops or restarts the relay. Which command does what in which status:
//
//   status           Stop                 Restart                   Update
//   idle, < Start    no effect            no effect                 every field
//   idle, >= Start   offline (TriggerBy.) restart now               every field (*)
//   running          offline (TriggerBy.) stop, start again         CallbackUrl, RepeatNumber,
//   recovering       offline (TriggerBy.) stop, start again         EndTime, ReqAuth, AuthKey,
//                                                                   NotifyItemSwitch now;
//                                                                   SourceUrls, Offset,
//                                                                   FileIndex at restart
//   offline          no effect            start again (>= Start)    all but Region; SourceUrls,
//                                                                   Offset, FileIndex at restart
//   exited           no effect            InvalidTask.Exited        InvalidTask.Exited
//  (*) an attempt already under way keeps its sources until it ends.
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "relay/relay_task.h"

namespace liverec::relay {

// StopLivePullToPush. True when the task changed (it was running, recovering or idle past its
// StartTime and is offline now, TriggerByUser); false when it had no effect.
bool ApplyStop(RelayTask& task, int64_t now_ms);

// RestartLivePullToPush. True when the task will start again from its configured FileIndex and
// Offset with the latest configuration (status idle, a new `restarts` count, retries reset);
// false before StartTime (no effect); InvalidTask.Exited for an exited task.
Result<bool> ApplyRestart(RelayTask& task, int64_t now_ms);

// The parameters of UpdateLivePullToPush that were sent (validated one by one by the API).
struct TaskUpdate {
  std::optional<std::string> region;
  std::optional<int64_t> start_time_ms;
  std::optional<int64_t> end_time_ms;
  std::optional<std::vector<std::string>> source_urls;
  std::optional<int64_t> repeat_number;
  std::optional<int64_t> offset_s;
  std::optional<int64_t> file_index;
  std::optional<std::string> callback_url;
  std::optional<bool> req_auth;
  std::optional<std::string> auth_key;  // never "" (an empty AuthKey is "not sent")
  std::optional<bool> notify_item_switch;
};

// UpdateLivePullToPush: applies what the task's status allows (table above) and ignores the
// rest; ReqAuth, AuthKey and NotifyItemSwitch apply in every status but exited, from the next
// callback on. Errors: InvalidTask.Exited; InvalidParam.CodeIllegalDuration when the resulting
// EndTime is not after both StartTime and now; InvalidFileIndex.Malformed when FileIndex is
// not below the number of source URLs; MissingAuthKey when ReqAuth would be yes without a key.
Status ApplyUpdate(RelayTask& task, const TaskUpdate& update, int64_t now_ms);

}  // namespace liverec::relay
