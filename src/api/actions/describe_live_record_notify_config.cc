// DescribeLiveRecordNotifyConfig: a domain's callback config. [U] Without a config
// the answer is only the RequestId (no LiveRecordNotifyConfig), not an error.
#include "api/actions/actions.h"
#include "api/notify_config_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> DescribeLiveRecordNotifyConfig(ActionContext& context,
                                                      const Params& params) {
  auto domain = ParseNotifyDomain(context, params);
  if (!domain) return Error(domain.error());
  auto found = context.deps.notify_configs->Find(context.caller.account_id, *domain);
  if (!found) return Error(found.error());
  if (!*found) return nlohmann::json::object();
  return nlohmann::json{{"LiveRecordNotifyConfig", NotifyConfigToJson(**found)}};
}

}  // namespace liverec::api::actions
