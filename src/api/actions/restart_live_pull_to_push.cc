// RestartLivePullToPush: starts a running, recovering or offline task again with its latest
// configuration, from its FileIndex and Offset; no effect before StartTime;
// InvalidTask.Exited for an exited task. The rules are relay::ApplyRestart.
#include "api/actions/actions.h"
#include "api/relay_params.h"
#include "relay/task_commands.h"

namespace liverec::api::actions {

Result<nlohmann::json> RestartLivePullToPush(ActionContext& context, const Params& params) {
  LIVEREC_RETURN_IF_ERROR(RequireRelayDependencies(context));
  auto region = ParseRelayRegion(params);
  if (!region) return Error(region.error());
  auto task_id = ParseTaskId(params);
  if (!task_id) return Error(task_id.error());
  auto task = ChangeRelayTask(context, *task_id, [&](relay::RelayTask& t) {
    return relay::ApplyRestart(t, context.now_ms);
  });
  if (!task) return Error(task.error());
  return nlohmann::json{{"TaskId", *task_id}};
}

}  // namespace liverec::api::actions
