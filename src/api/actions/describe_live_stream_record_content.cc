// DescribeLiveStreamRecordContent: the time ranges covered by stored slices.
#include "api/actions/actions.h"
#include "api/record_index_params.h"
#include "base/time_format.h"

namespace liverec::api::actions {
namespace {

constexpr int64_t kTouchToleranceMs = 100;

}  // namespace

Result<nlohmann::json> DescribeLiveStreamRecordContent(ActionContext& context,
                                                       const Params& params) {
  auto stream = FindRecordedStream(context, params);
  if (!stream) return Error(stream.error());
  auto range = ParseTimeRange(context, params, SliceRangeRules(context));
  if (!range) return Error(range.error());

  struct Content {
    std::string endpoint;
    std::string bucket;
    int64_t start_ms = 0;
    int64_t end_ms = 0;
    int64_t duration_ms = 0;
  };
  // One walk over the range's slices (no rows built), merging those that touch and share a
  // bucket; only a new content range copies strings.
  std::vector<Content> contents;
  Status walked = context.deps.index_files->ForEachSliceSpan(
      context.caller.account_id, stream->id, range->start_ms, range->end_ms,
      [&](const metadata::SliceSpan& slice) {
        bool joins = !contents.empty() && contents.back().endpoint == slice.endpoint &&
                     contents.back().bucket == slice.bucket &&
                     slice.start_ms - contents.back().end_ms <= kTouchToleranceMs;
        if (joins) {
          contents.back().end_ms = slice.end_ms;
          contents.back().duration_ms += slice.duration_ms;
        } else {
          contents.push_back({std::string(slice.endpoint), std::string(slice.bucket),
                              slice.start_ms, slice.end_ms, slice.duration_ms});
        }
        return Status::Ok();
      });
  if (!walked.ok()) return Error(walked);

  nlohmann::json list = nlohmann::json::array();
  for (const auto& content : contents) {
    // The prefix is the one the range's first slice was recorded with (its cycle's template).
    auto first = context.deps.index_files->FirstSliceFrom(context.caller.account_id, stream->id,
                                                          content.start_ms);
    if (!first) return Error(first.error());
    std::string cycle_id = *first ? (**first).cycle_id : std::string();
    auto prefix =
        context.deps.index_files->SliceTemplateOfCycle(context.caller.account_id, cycle_id);
    if (!prefix) return Error(prefix.error());
    list.push_back({{"OssEndpoint", content.endpoint},
                    {"OssBucket", content.bucket},
                    {"OssObjectPrefix", *prefix},
                    {"StartTime", FormatIsoUtc(content.start_ms)},
                    {"EndTime", FormatIsoUtc(content.end_ms)},
                    {"Duration", static_cast<double>(content.duration_ms) / 1000.0}});
  }
  return nlohmann::json{{"RecordContentInfoList", {{"RecordContentInfo", list}}}};
}

}  // namespace liverec::api::actions
