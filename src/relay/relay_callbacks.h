// The pull-to-push event callbacks (docs/api/relay.md "Callbacks"): what
// the scheduler's TaskEvents become in the durable outbox — an HTTP POST with a JSON body to the
// task's CallbackUrl, retried like every outbox delivery. Tasks without a CallbackUrl send
// nothing.
//
//   state change  {"Event":"LivePullToPushRunning","EventTime":"<UNIX s>","TaskId",
//                  "TaskInfo":{…as DescribeLivePullToPush…},"TaskStatus":1|2|3
//                  [,"TaskInvalidReason" (offline only)]}
//   exit          {"Event":"LivePullToPushExit","EventTime","TaskId","TaskInfo","TaskStatus":-1,
//                  "TaskExitTime":<UNIX s>,"TaskExitReason":"OverEndTime"|"TriggerByUser"}
//   item switch   {"Event":"LivePullToPushItemSwitch","EventTime","TaskId","TaskInfo",
//                  "TaskStatus":1,"CurrentFileIndex","CurrentFileUrl","RemainingRepeats"}
//                 (url tasks with NotifyItemSwitch yes)
//
// TaskInfo is DescribeLivePullToPush's without AuthKey (the key signs the callback; it is never
// sent in one). With ReqAuth yes the outbox signs the request with the task's AuthKey over the
// CallbackUrl's host, exactly as recording callbacks are signed with NotifyAuthKey
// (ALI-LIVE-TIMESTAMP / ALI-LIVE-SIGNATURE, callbacks/notify_signing.h).
//
// Outbox kinds (NotifyType in the history): relay_status, relay_exit and relay_item_switch.
// Thread-safety: pure functions; the Outbox is thread-safe.
#pragma once

#include <optional>
#include <string>

#include "callbacks/outbox.h"
#include "relay/relay_scheduler.h"

namespace liverec::relay {

inline constexpr std::string_view kStatusEventName = "LivePullToPushRunning";
inline constexpr std::string_view kExitEventName = "LivePullToPushExit";
inline constexpr std::string_view kItemSwitchEventName = "LivePullToPushItemSwitch";

// The JSON body of `event` (above).
std::string RelayEventBody(const TaskEvent& event);

// The outbox event for `event`, or nullopt when the task has no CallbackUrl.
std::optional<callbacks::CallbackEvent> RelayCallbackEvent(const TaskEvent& event);

}  // namespace liverec::relay
