// DeleteLiveAppSnapshotConfig: removes the snapshot config of an app (docs/api/snapshots.md).
// Snapshots taken stay in their bucket and listed.
#include "api/actions/actions.h"
#include "api/snapshot_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> DeleteLiveAppSnapshotConfig(ActionContext& context, const Params& params) {
  auto key = ParseSnapshotKey(context, params);
  if (!key) return Error(key.error());
  LIVEREC_RETURN_IF_ERROR(
      context.deps.snapshots.configs->Delete(key->account_id, key->domain_name, key->app_name));
  return nlohmann::json::object();
}

}  // namespace liverec::api::actions
