// DeleteLiveAppRecordConfig: deletes the config of exactly this (domain, app, stream) triplet
// (docs/api/record-configs.md).
#include "api/actions/actions.h"
#include "api/record_config_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> DeleteLiveAppRecordConfig(ActionContext& context, const Params& params) {
  auto key = ParseConfigKey(context, params);
  if (!key) return Error(key.error());
  LIVEREC_RETURN_IF_ERROR(context.deps.record_configs.Delete(*key));
  return nlohmann::json::object();
}

}  // namespace liverec::api::actions
