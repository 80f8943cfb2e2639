// DescribeLiveStreamWatchUrl (liverec's own action): the URL of a stream's watch playlist, an
// EVENT playlist of its stored slices that grows as they close (api/watch_path.h;
// docs/api/watch.md).
#include "api/actions/actions.h"
#include "api/record_index_params.h"
#include "api/watch_path.h"
#include "base/time_format.h"
#include "config/config.h"

namespace liverec::api::actions {
namespace {

// The slice from which a watch starts when no StartTime is sent: the first of the run the
// stream's latest slice (within the watch window) belongs to, back to the last discontinuity.
Result<metadata::SliceRow> StartOfLatestRun(ActionContext& context,
                                            const metadata::StreamRow& stream, int64_t now_ms) {
  auto slices = context.deps.recordings->ListStreamSlices(context.caller.account_id, stream.id,
                                                          now_ms - kWatchWindowMs, now_ms + 1);
  if (!slices) return Error(slices.error());
  if (slices->empty()) {
    return Error(ErrorCode::kNoRecordContent, "",
                 "No slice of this stream was stored in the last 6 hours (only m3u8 recording "
                 "stores slices).");
  }
  size_t first = slices->size() - 1;
  while (first > 0 && !(*slices)[first].discontinuity &&
         (*slices)[first - 1].endpoint == (*slices)[first].endpoint &&
         (*slices)[first - 1].bucket == (*slices)[first].bucket) {
    --first;
  }
  return (*slices)[first];
}

}  // namespace

Result<nlohmann::json> DescribeLiveStreamWatchUrl(ActionContext& context, const Params& params) {
  auto stream = FindRecordedStream(context, params);
  if (!stream) return Error(stream.error());
  if (!context.deps.index.watch_url) {
    return Error(ErrorCode::kInternalError, "", "this server serves no watch playlists");
  }
  auto lifetime =
      params.OptionalInt("ExpireSeconds", 1, config::kMaxUrlExpiryS, ErrorCode::kInvalidParameter);
  if (!lifetime) return Error(lifetime.error());
  const int64_t now_ms = context.now_ms;
  metadata::SliceRow first;
  if (auto text = params.Get("StartTime"); text && !text->empty()) {
    auto start_ms = ParseIsoUtc(*text);
    if (!start_ms) {
      return Error(ErrorCode::kInvalidStartTimeMalformed, "",
                   "StartTime must be yyyy-MM-ddTHH:mm:ssZ (UTC).");
    }
    if (*start_ms > now_ms || *start_ms < now_ms - context.deps.index.slice_retention_ms) {
      return Error(ErrorCode::kInvalidStartTimeMismatch, "",
                   "StartTime must be in the past, within the slices' retention.");
    }
    auto found =
        context.deps.index_files->FirstSliceFrom(context.caller.account_id, stream->id, *start_ms);
    if (!found) return Error(found.error());
    if (!*found || (**found).start_ms >= *start_ms + kWatchWindowMs) {
      return Error(ErrorCode::kNoRecordContent, "",
                   "No slice of this stream was stored in the 6 hours from StartTime.");
    }
    first = std::move(**found);
    first.start_ms = *start_ms;
  } else {
    auto latest = StartOfLatestRun(context, *stream, now_ms);
    if (!latest) return Error(latest.error());
    first = std::move(*latest);
  }
  WatchTarget target{first.endpoint,   first.bucket,        stream->domain_name,
                     stream->app_name, stream->stream_name, first.start_ms / 1000};
  auto url = context.deps.index.watch_url(target, lifetime->value_or(0));
  if (!url) return Error(url.error());
  return nlohmann::json{{"WatchUrl", *url},
                        {"StartTime", FormatIsoUtc(target.start_s * 1000)},
                        {"EndTime", FormatIsoUtc(target.start_s * 1000 + kWatchWindowMs)},
                        {"OssEndpoint", target.endpoint},
                        {"OssBucket", target.bucket}};
}

}  // namespace liverec::api::actions
