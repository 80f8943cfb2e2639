// ForbidLiveStream: cuts a stream's publisher and, unless Oneshot=yes, refuses its publishes until
// ResumeTime or ResumeLiveStream (docs/api/moderation.md). The block is written first, so the cut
// publisher cannot come straight back; its recording ends as an unpublish ends it. In a cluster the
// publisher is cut on whichever node it is live on.
#include <algorithm>

#include "api/actions/actions.h"
#include "api/stream_moderation.h"
#include "base/time_format.h"

namespace liverec::api::actions {

Result<nlohmann::json> ForbidLiveStream(ActionContext& context, const Params& params) {
  auto target = ParseModeratedStream(context, params);
  if (!target) return Error(target.error());
  std::string oneshot = params.Get("Oneshot").value_or("");
  std::transform(oneshot.begin(), oneshot.end(), oneshot.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (oneshot.empty()) oneshot = "no";
  if (oneshot != "yes" && oneshot != "no") return Error(ErrorCode::kInvalidOneshotMalformed);
  if (oneshot == "no") {
    // ResumeTime counts only for a block (a one-shot cut has nothing to resume).
    int64_t resume_at = 0;
    if (auto text = params.Get("ResumeTime"); text && !text->empty()) {
      auto parsed = ParseIsoUtc(*text);
      if (!parsed || *parsed <= context.now_ms) {
        return Error(ErrorCode::kInvalidResumeTimeMalformed, "",
                     !parsed ? "use yyyy-MM-ddTHH:mm:ssZ (UTC)" : "ResumeTime has passed");
      }
      resume_at = *parsed;
    }
    if (!context.deps.streams.blocks) {
      return Error(ErrorCode::kInternalError, "", "the block list is not configured");
    }
    metadata::StreamBlock block{context.caller.account_id,
                                target->domain,
                                target->app,
                                target->stream,
                                resume_at,
                                context.now_ms};
    LIVEREC_RETURN_IF_ERROR(context.deps.streams.blocks->Block(block, context.now_ms));
  }
  auto cut = CutPublisher(context, *target);
  if (!cut) return Error(cut.error());
  // A one-shot cut of a stream live nowhere did nothing: say so.
  if (!*cut && oneshot == "yes") return Error(ErrorCode::kLiveStreamNotFound);
  return nlohmann::json::object();
}

}  // namespace liverec::api::actions
