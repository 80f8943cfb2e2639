// DeleteLiveRecordNotifyConfig: removes a domain's callback config. Events already
// in the outbox are still delivered.
#include "api/actions/actions.h"
#include "api/notify_config_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> DeleteLiveRecordNotifyConfig(ActionContext& context, const Params& params) {
  auto domain = ParseNotifyDomain(context, params);
  if (!domain) return Error(domain.error());
  LIVEREC_RETURN_IF_ERROR(context.deps.notify_configs->Delete(context.caller.account_id, *domain));
  return nlohmann::json::object();
}

}  // namespace liverec::api::actions
