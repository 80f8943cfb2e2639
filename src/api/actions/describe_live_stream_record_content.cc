// DescribeLiveStreamRecordContent: the time ranges covered by stored slices (spec §8.1).
#include "api/actions/actions.h"
#include "api/record_index_params.h"
#include "base/time_format.h"

namespace liverec::api::actions {
namespace {

constexpr int64_t kTouchToleranceMs = 100;
constexpr int64_t kPageSlices = 10'000;

}  // namespace

Result<nlohmann::json> DescribeLiveStreamRecordContent(ActionContext& context,
                                                       const Params& params) {
  auto stream = FindRecordedStream(context, params);
  if (!stream) return Error(stream.error());
  auto range = ParseRecordRange(context, params);
  if (!range) return Error(range.error());

  struct Content {
    metadata::SliceRow first;
    int64_t end_ms = 0;
    int64_t duration_ms = 0;
  };
  std::vector<Content> contents;
  // Walk the range in pages of slices, merging those that touch and share a bucket.
  int64_t from = range->start_ms;
  while (true) {
    auto slices = context.deps.index_files->SlicesStartingIn(
        context.caller.account_id, stream->id, from, range->end_ms, kPageSlices);
    if (!slices) return Error(slices.error());
    for (const auto& slice : *slices) {
      bool joins = !contents.empty() && contents.back().first.endpoint == slice.endpoint &&
                   contents.back().first.bucket == slice.bucket &&
                   slice.start_ms - contents.back().end_ms <= kTouchToleranceMs;
      if (joins) {
        contents.back().end_ms = slice.end_ms;
        contents.back().duration_ms += slice.duration_ms;
      } else {
        contents.push_back({slice, slice.end_ms, slice.duration_ms});
      }
    }
    if (static_cast<int64_t>(slices->size()) < kPageSlices) break;
    from = slices->back().start_ms + 1;
  }

  nlohmann::json list = nlohmann::json::array();
  for (const auto& content : contents) {
    auto prefix = context.deps.index_files->SliceTemplateOfCycle(context.caller.account_id,
                                                                 content.first.cycle_id);
    if (!prefix) return Error(prefix.error());
    list.push_back({{"OssEndpoint", content.first.endpoint},
                    {"OssBucket", content.first.bucket},
                    {"OssObjectPrefix", *prefix},
                    {"StartTime", FormatIsoUtc(content.first.start_ms)},
                    {"EndTime", FormatIsoUtc(content.end_ms)},
                    {"Duration", static_cast<double>(content.duration_ms) / 1000.0}});
  }
  return nlohmann::json{{"RecordContentInfoList", {{"RecordContentInfo", list}}}};
}

}  // namespace liverec::api::actions
