// The JSON of a pull-to-push task as the API answers it and the relay callbacks carry it
// (docs/api/relay.md): TaskInfo, with its `CallbackURL` spelling, and the
// status fields around it. Thread-safety: pure functions over values.
#pragma once

#include <nlohmann/json.hpp>

#include "relay/relay_task.h"

namespace liverec::relay {

// TaskInfo: what the user configured, ReqAuth and NotifyItemSwitch as "yes"/"no", AuthKey as
// stored (the caller's own secret, echoed as DescribeLiveRecordNotifyConfig echoes
// NotifyAuthKey; relay callbacks leave it out).
nlohmann::json TaskInfoJson(const RelayTask& task);

// TaskId, TaskStatus, TaskInvalidReason (offline only), TaskExitTime and TaskExitReason
// (exited only), CurrentOffset, CurrentFileIndex and TaskInfo: one TaskList entry of
// DescribeLivePullToPushList, and the body of DescribeLivePullToPush. `view` is the task as of
// now (ViewAt).
nlohmann::json TaskJson(const RelayTask& view);

}  // namespace liverec::relay
