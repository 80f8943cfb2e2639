// DescribeLiveStreamRecordFiles (liverec's own action): the stream's MP4/FLV cycle files in a
// time range, paged, each with its RecordUrl (docs/api/record-index.md).
#include <algorithm>

#include "api/actions/actions.h"
#include "api/record_index_params.h"
#include "base/time_format.h"

namespace liverec::api::actions {
namespace {

nlohmann::json FileToJson(const ActionContext& context, const metadata::RecordFileRow& file) {
  return {{"FileId", file.id},
          {"Format", file.format},
          {"OssEndpoint", file.endpoint},
          {"OssBucket", file.bucket},
          {"OssObject", file.object_key},
          {"RecordUrl", RecordUrl(context, file.endpoint, file.bucket, file.object_key)},
          {"StartTime", FormatIsoUtc(file.start_ms)},
          {"EndTime", FormatIsoUtc(file.end_ms)},
          {"Duration", static_cast<double>(file.duration_ms) / 1000.0},
          {"Width", file.width},
          {"Height", file.height},
          {"Size", file.bytes},
          {"CreateTime", FormatIsoUtc(file.created_at_ms)}};
}

}  // namespace

Result<nlohmann::json> DescribeLiveStreamRecordFiles(ActionContext& context, const Params& params) {
  auto stream = FindRecordedStream(context, params);
  if (!stream) return Error(stream.error());
  auto range = ParseTimeRange(
      context, params, {4, context.deps.index.index_retention_ms, "the index-file retention"});
  if (!range) return Error(range.error());
  auto format = params.OptionalChoice("FileFormat", {"mp4", "flv"}, "");
  if (!format) {
    return Error(ErrorCode::kInvalidFormatMalformed, "", "FileFormat must be mp4 or flv.");
  }
  auto page_num = params.OptionalInt("PageNum", 1, 1'000'000, ErrorCode::kInvalidPageNumMalformed);
  if (!page_num) return Error(page_num.error());
  auto page_size = params.OptionalInt("PageSize", 1, 100, ErrorCode::kInvalidPageSizeMalformed);
  if (!page_size) return Error(page_size.error());
  auto order = params.OptionalChoice("Order", {"asc", "desc"}, "desc");
  if (!order) return Error(ErrorCode::kInvalidOrderMalformed, "", "Order must be asc or desc.");
  int64_t num = page_num->value_or(1), size = page_size->value_or(20);
  auto page = context.deps.recordings->ListStreamRecordFilesPage(
      context.caller.account_id, stream->id, range->start_ms, range->end_ms, *format, num, size,
      *order == "asc");
  if (!page) return Error(page.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& file : page->files) list.push_back(FileToJson(context, file));
  return nlohmann::json{{"PageNum", num},
                        {"PageSize", size},
                        {"Order", *order},
                        {"TotalNum", page->total},
                        {"TotalPage", (page->total + size - 1) / size},
                        {"RecordFileInfoList", {{"RecordFileInfo", list}}}};
}

}  // namespace liverec::api::actions
