// DescribeLiveStreamsPublishList: the publish sessions of a domain (or one app, or streams) that
// were live at some time in [StartTime, EndTime), from the publish history (docs/api/streams.md
// "DescribeLiveStreamsPublishList"). StreamName matches as a substring (QueryType=fuzzy, the
// default) or exactly (strict). liverec does not transcode: StreamType=trans lists nothing.
#include "api/actions/actions.h"
#include "api/record_config_params.h"
#include "api/record_index_params.h"
#include "base/names.h"
#include "base/time_format.h"

namespace liverec::api::actions {
namespace {

constexpr int64_t kDefaultPageSize = 2000;
constexpr int64_t kMaxPageSize = 3000;
constexpr int64_t kMaxPageNumber = 100'000;
constexpr int64_t kMaxRangeDays = 30;

nlohmann::json SessionToJson(const metadata::PublishSession& s) {
  return {{"DomainName", s.domain_name},
          {"AppName", s.app_name},
          {"StreamName", s.stream_name},
          {"StreamUrl", "rtmp://" + s.domain_name + "/" + s.app_name + "/" + s.stream_name},
          {"PublishTime", FormatIsoUtc(s.publish_ms)},
          {"StopTime", s.stop_ms ? FormatIsoUtc(s.stop_ms) : std::string()},
          {"ClientAddr", s.client_addr},
          {"EdgeNodeAddr", s.edge_node_addr},
          {"PublishDomain", s.publish_domain},
          {"PublishUrl", "rtmp://" + s.publish_domain + "/" + s.app_name + "/" + s.stream_name},
          {"PublishType", "edge"},
          {"Transcoded", "no"},
          {"TranscodeId", ""},
          {"TranscodeTemplate", ""}};
}

}  // namespace

Result<nlohmann::json> DescribeLiveStreamsPublishList(ActionContext& context,
                                                      const Params& params) {
  const StreamServices& streams = context.deps.streams;
  if (!streams.publish_history) {
    return Error(ErrorCode::kInternalError, "", "the publish history is not configured");
  }
  auto domain = params.Required("DomainName");
  if (!domain) return Error(domain.error());
  if (!IsValidDomainName(*domain)) return Error(ErrorCode::kInvalidDomainNameMalformed);
  auto range = ParseTimeRange(context, params,
                              {kMaxRangeDays, streams.publish_history_ms,
                               "the publish history (recording.publish_history_days)"});
  if (!range) return Error(range.error());
  auto page_number =
      params.OptionalInt("PageNumber", 1, kMaxPageNumber, ErrorCode::kInvalidPageNumMalformed);
  if (!page_number) return Error(page_number.error());
  auto page_size =
      params.OptionalInt("PageSize", 1, kMaxPageSize, ErrorCode::kInvalidPageSizeMalformed);
  if (!page_size) return Error(page_size.error());
  auto query_type = params.OptionalChoice("QueryType", {"fuzzy", "strict"}, "fuzzy");
  if (!query_type) return Error(query_type.error());
  auto order = params.OptionalChoice(
      "OrderBy", {"publish_time_asc", "publish_time_desc", "stream_name_asc", "stream_name_desc"},
      "publish_time_asc");
  if (!order) return Error(order.error());
  auto type = params.OptionalChoice("StreamType", {"all", "raw", "trans"}, "all");
  if (!type) return Error(type.error());
  LIVEREC_RETURN_IF_ERROR(CheckDomainAccess(context, *domain));

  metadata::PublishHistoryQuery q;
  q.account_id = context.caller.account_id;
  q.domain_name = *domain;
  if (auto app = params.Get("AppName"); app && !app->empty()) q.app_name = *app;
  if (auto stream = params.Get("StreamName"); stream && !stream->empty()) q.stream_name = *stream;
  q.strict = *query_type == "strict";
  q.start_ms = range->start_ms;
  q.end_ms = range->end_ms;
  q.order_by = *order;
  q.page_num = page_number->value_or(1);
  q.page_size = page_size->value_or(kDefaultPageSize);
  metadata::PublishHistoryPage page;
  if (*type != "trans") {
    auto listed = streams.publish_history->List(q);
    if (!listed) return Error(listed.error());
    page = std::move(*listed);
  }
  nlohmann::json infos = nlohmann::json::array();
  for (const auto& s : page.sessions) infos.push_back(SessionToJson(s));
  return nlohmann::json{{"PageNum", q.page_num},
                        {"PageSize", q.page_size},
                        {"TotalNum", page.total},
                        {"TotalPage", (page.total + q.page_size - 1) / q.page_size},
                        {"PublishInfo", {{"LiveStreamPublishInfo", infos}}}};
}

}  // namespace liverec::api::actions
