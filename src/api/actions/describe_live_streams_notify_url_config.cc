// DescribeLiveStreamsNotifyUrlConfig: an ingest domain's stream callback config
// (docs/api/streams.md).
// [U] Without a config: InvalidConfig.NotFound (404), as DescribeLiveRecordNotifyConfig answers.
#include "api/actions/actions.h"
#include "api/streams_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> DescribeLiveStreamsNotifyUrlConfig(ActionContext& context,
                                                          const Params& params) {
  auto domain = ParseStreamsNotifyDomain(context, params);
  if (!domain) return Error(domain.error());
  auto found = context.deps.streams.notify_configs->Find(context.caller.account_id, *domain);
  if (!found) return Error(found.error());
  if (!*found) return Error(ErrorCode::kInvalidConfigNotFound);
  return nlohmann::json{{"LiveStreamsNotifyConfig", StreamsNotifyConfigToJson(**found)}};
}

}  // namespace liverec::api::actions
