// DeleteLivePullToPush: removes a task at once, in any status; a running relay is
// stopped by the scheduler, which reports the exit (TriggerByUser). It cannot be restarted.
#include "api/actions/actions.h"
#include "api/relay_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> DeleteLivePullToPush(ActionContext& context, const Params& params) {
  LIVEREC_RETURN_IF_ERROR(RequireRelayDependencies(context));
  auto region = ParseRelayRegion(params);
  if (!region) return Error(region.error());
  auto task_id = ParseTaskId(params);
  if (!task_id) return Error(task_id.error());
  auto task = FindRelayTask(context, *task_id);
  if (!task) return Error(task.error());
  LIVEREC_RETURN_IF_ERROR(context.deps.relay.tasks->Delete(context.caller.account_id, *task_id));
  if (context.deps.relay.listener) context.deps.relay.listener->TaskDeleted(*task);
  return nlohmann::json{{"RetCode", 0}, {"Description", "OK"}};
}

}  // namespace liverec::api::actions
