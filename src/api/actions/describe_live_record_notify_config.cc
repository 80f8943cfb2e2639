// DescribeLiveRecordNotifyConfig: a domain's callback config; without one, InvalidConfig.NotFound
// (404), as the cloud documents (docs/api/notify-configs.md).
#include "api/actions/actions.h"
#include "api/notify_config_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> DescribeLiveRecordNotifyConfig(ActionContext& context,
                                                      const Params& params) {
  auto domain = ParseNotifyDomain(context, params);
  if (!domain) return Error(domain.error());
  auto found = context.deps.notify_configs->Find(context.caller.account_id, *domain);
  if (!found) return Error(found.error());
  if (!*found) return Error(ErrorCode::kInvalidConfigNotFound);
  return nlohmann::json{{"LiveRecordNotifyConfig", NotifyConfigToJson(**found)}};
}

}  // namespace liverec::api::actions
