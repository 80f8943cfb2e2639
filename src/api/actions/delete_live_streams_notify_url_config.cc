// DeleteLiveStreamsNotifyUrlConfig: removes an ingest domain's stream callback config (spec
// §11.1). Events already in the outbox are still delivered; a publish confirmed before the
// delete gets no publish_done.
#include "api/actions/actions.h"
#include "api/streams_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> DeleteLiveStreamsNotifyUrlConfig(ActionContext& context,
                                                        const Params& params) {
  auto domain = ParseStreamsNotifyDomain(context, params);
  if (!domain) return Error(domain.error());
  LIVEREC_RETURN_IF_ERROR(
      context.deps.streams.notify_configs->Delete(context.caller.account_id, *domain));
  return nlohmann::json::object();
}

}  // namespace liverec::api::actions
