// AddLiveAppSnapshotConfig: creates the snapshot config of an app (docs/api/snapshots.md).
#include "api/actions/actions.h"
#include "api/snapshot_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> AddLiveAppSnapshotConfig(ActionContext& context, const Params& params) {
  auto config = ParseSnapshotKey(context, params);
  if (!config) return Error(config.error());
  LIVEREC_RETURN_IF_ERROR(ApplySnapshotParams(context, params, /*adding=*/true, *config));
  config->created_at_ms = config->updated_at_ms = context.now_ms;
  LIVEREC_RETURN_IF_ERROR(context.deps.snapshots.configs->Insert(*config));
  return nlohmann::json::object();
}

}  // namespace liverec::api::actions
