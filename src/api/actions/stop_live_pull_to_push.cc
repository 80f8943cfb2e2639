// StopLivePullToPush: takes a running or recovering task (or one past its StartTime) offline
// with TaskInvalidReason TriggerByUser; no effect on other tasks. The rules are
// relay::ApplyStop.
#include "api/actions/actions.h"
#include "api/relay_params.h"
#include "relay/task_commands.h"

namespace liverec::api::actions {

Result<nlohmann::json> StopLivePullToPush(ActionContext& context, const Params& params) {
  LIVEREC_RETURN_IF_ERROR(RequireRelayDependencies(context));
  auto region = ParseRelayRegion(params);
  if (!region) return Error(region.error());
  auto task_id = ParseTaskId(params);
  if (!task_id) return Error(task_id.error());
  auto task = ChangeRelayTask(context, *task_id, [&](relay::RelayTask& t) -> Result<bool> {
    return relay::ApplyStop(t, context.now_ms);
  });
  if (!task) return Error(task.error());
  return nlohmann::json{{"TaskId", *task_id}};
}

}  // namespace liverec::api::actions
