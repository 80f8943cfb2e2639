// DescribeLiveStreamRecordIndexFiles: the stream's index files in a time range, paged (§8.3).
#include <algorithm>

#include "api/actions/actions.h"
#include "api/record_index_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> DescribeLiveStreamRecordIndexFiles(ActionContext& context,
                                                          const Params& params) {
  auto stream = FindRecordedStream(context, params);
  if (!stream) return Error(stream.error());
  // Index files' metadata is kept longer than the slices (index_retention_days, 180 by default).
  auto range = ParseTimeRange(
      context, params, {4, context.deps.index.index_retention_ms, "the index-file retention"});
  if (!range) return Error(range.error());
  auto page_num = params.OptionalInt("PageNum", 1, 1'000'000, ErrorCode::kInvalidPageNumMalformed);
  if (!page_num) return Error(page_num.error());
  auto page_size = params.OptionalInt("PageSize", 5, 30, ErrorCode::kInvalidPageSizeMalformed);
  if (!page_size) return Error(page_size.error());
  std::string order = params.Get("Order").value_or("");
  std::transform(order.begin(), order.end(), order.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (order.empty()) order = "asc";
  if (order != "asc" && order != "desc") {
    return Error(ErrorCode::kInvalidOrderMalformed, "", "Order must be asc or desc.");
  }
  int64_t num = page_num->value_or(1), size = page_size->value_or(10);
  auto page = context.deps.index_files->List(context.caller.account_id, stream->id, range->start_ms,
                                             range->end_ms, num, size, order == "asc");
  if (!page) return Error(page.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& file : page->files)
    list.push_back(IndexFileToJson(context, *stream, file, true));
  return nlohmann::json{{"PageNum", num},
                        {"PageSize", size},
                        {"Order", order},
                        {"TotalNum", page->total},
                        {"TotalPage", (page->total + size - 1) / size},
                        {"RecordIndexInfoList", {{"RecordIndexInfo", list}}}};
}

}  // namespace liverec::api::actions
