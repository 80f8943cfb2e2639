// UpdateLiveAppSnapshotConfig: changes the snapshot config of an app; what is not sent is kept,
// "-" removes OverwriteOssObject, SequenceOssObject or Callback (docs/api/snapshots.md).
#include "api/actions/actions.h"
#include "api/snapshot_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> UpdateLiveAppSnapshotConfig(ActionContext& context, const Params& params) {
  auto key = ParseSnapshotKey(context, params);
  if (!key) return Error(key.error());
  auto existing =
      context.deps.snapshots.configs->Find(key->account_id, key->domain_name, key->app_name);
  if (!existing) return Error(existing.error());
  if (!*existing) return Error(ErrorCode::kInvalidConfigNotFound);
  metadata::SnapshotConfig config = std::move(**existing);
  LIVEREC_RETURN_IF_ERROR(ApplySnapshotParams(context, params, /*adding=*/false, config));
  config.updated_at_ms = context.now_ms;
  LIVEREC_RETURN_IF_ERROR(context.deps.snapshots.configs->Update(config));
  return nlohmann::json::object();
}

}  // namespace liverec::api::actions
