// SetLiveStreamsNotifyUrlConfig: where an ingest domain's publish / publish_done callbacks go and
// how they are signed (docs/api/streams.md). Replaces the domain's config if it has one (upsert).
#include "api/actions/actions.h"
#include "api/streams_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> SetLiveStreamsNotifyUrlConfig(ActionContext& context, const Params& params) {
  auto domain = ParseStreamsNotifyDomain(context, params);
  if (!domain) return Error(domain.error());
  auto config = ParseStreamsNotifyConfig(context, params, *domain);
  if (!config) return Error(config.error());
  LIVEREC_RETURN_IF_ERROR(context.deps.streams.notify_configs->Upsert(*config));
  return nlohmann::json::object();
}

}  // namespace liverec::api::actions
