// UpdateLiveRecordNotifyConfig: changes a domain's callback config. Parameters not
// sent keep their values; NotifyUrl is required as in Add.
#include "api/actions/actions.h"
#include "api/notify_config_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> UpdateLiveRecordNotifyConfig(ActionContext& context, const Params& params) {
  auto domain = ParseNotifyDomain(context, params);
  if (!domain) return Error(domain.error());
  auto found = context.deps.notify_configs->Find(context.caller.account_id, *domain);
  if (!found) return Error(found.error());
  if (!*found) return Error(ErrorCode::kInvalidConfigNotFound);
  metadata::NotifyConfig config = **found;
  LIVEREC_RETURN_IF_ERROR(ApplyNotifyParams(context, params, config));
  config.updated_at_ms = context.now_ms;
  LIVEREC_RETURN_IF_ERROR(context.deps.notify_configs->Update(config));
  return nlohmann::json::object();
}

}  // namespace liverec::api::actions
