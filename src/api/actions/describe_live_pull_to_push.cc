// DescribeLivePullToPush: one task with its status, reasons, progress and TaskInfo.
// An exited task stays answerable until its EndTime plus the exited-task retention.
#include "api/actions/actions.h"
#include "api/relay_params.h"
#include "relay/relay_task_json.h"

namespace liverec::api::actions {

Result<nlohmann::json> DescribeLivePullToPush(ActionContext& context, const Params& params) {
  LIVEREC_RETURN_IF_ERROR(RequireRelayDependencies(context));
  auto region = ParseRelayRegion(params);
  if (!region) return Error(region.error());
  auto task_id = ParseTaskId(params);
  if (!task_id) return Error(task_id.error());
  auto task = FindRelayTask(context, *task_id);
  if (!task) return Error(task.error());
  nlohmann::json body = {{"RetCode", 0}, {"Description", "OK"}};
  body.update(relay::TaskJson(*task));
  return body;
}

}  // namespace liverec::api::actions
