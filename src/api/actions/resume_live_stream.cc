// ResumeLiveStream: lifts a stream's block (ForbidLiveStream), so that it may be published again
// (docs/api/moderation.md). Resuming a stream that is not forbidden (never, or its ResumeTime
// passed) changes nothing and succeeds, so a retried call is harmless.
#include "api/actions/actions.h"
#include "api/stream_moderation.h"

namespace liverec::api::actions {

Result<nlohmann::json> ResumeLiveStream(ActionContext& context, const Params& params) {
  auto target = ParseModeratedStream(context, params);
  if (!target) return Error(target.error());
  if (!context.deps.streams.blocks) {
    return Error(ErrorCode::kInternalError, "", "the block list is not configured");
  }
  auto lifted = context.deps.streams.blocks->Unblock(context.caller.account_id, target->domain,
                                                     target->app, target->stream, context.now_ms);
  if (!lifted) return Error(lifted.error());
  return nlohmann::json::object();
}

}  // namespace liverec::api::actions
