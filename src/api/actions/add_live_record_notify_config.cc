// AddLiveRecordNotifyConfig: sets where a domain's recording callbacks go.
#include "api/actions/actions.h"
#include "api/notify_config_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> AddLiveRecordNotifyConfig(ActionContext& context, const Params& params) {
  auto domain = ParseNotifyDomain(context, params);
  if (!domain) return Error(domain.error());
  metadata::NotifyConfig config;
  config.account_id = context.caller.account_id;
  config.domain_name = *domain;
  LIVEREC_RETURN_IF_ERROR(ApplyNotifyParams(context, params, config));
  config.created_at_ms = config.updated_at_ms = context.now_ms;
  LIVEREC_RETURN_IF_ERROR(context.deps.notify_configs->Insert(config));
  return nlohmann::json::object();
}

}  // namespace liverec::api::actions
