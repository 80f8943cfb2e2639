// DescribeLiveRecordConfig: lists the caller's configs of a domain, paged.
#include <algorithm>

#include "api/actions/actions.h"
#include "api/record_config_params.h"
#include "base/names.h"
#include "base/time_format.h"

namespace liverec::api::actions {
namespace {

nlohmann::json FormatsToJson(const std::vector<metadata::RecordFormat>& formats) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : formats) {
    list.push_back({{"Format", f.format},
                    {"OssObjectPrefix", f.oss_object_prefix},
                    {"SliceOssObjectPrefix", f.slice_oss_object_prefix},
                    {"CycleDuration", f.cycle_duration_s},
                    {"SliceDuration", f.slice_duration_s}});
  }
  return {{"RecordFormat", list}};
}

nlohmann::json ConfigToJson(const metadata::RecordConfig& c) {
  auto time = [](const std::optional<int64_t>& ms) { return ms ? FormatIsoUtc(*ms) : ""; };
  return {{"DomainName", c.domain_name},
          {"AppName", c.app_name},
          {"StreamName", c.stream_name},
          {"OssEndpoint", c.oss_endpoint},
          {"OssBucket", c.oss_bucket},
          {"CreateTime", FormatIsoUtc(c.created_at_ms)},
          {"StartTime", time(c.start_time_ms)},
          {"EndTime", time(c.end_time_ms)},
          {"OnDemond", c.on_demand},  // sic: the SDKs' wire name
          {"DelayTime", c.delay_time_s},
          {"RecordFormatList", FormatsToJson(c.formats)},
          {"TranscodeRecordFormatList", FormatsToJson(c.transcode_formats)},
          {"TranscodeTemplates", {{"Templates", c.transcode_templates}}}};
}

}  // namespace

Result<nlohmann::json> DescribeLiveRecordConfig(ActionContext& context, const Params& params) {
  auto domain = params.Required("DomainName");
  if (!domain) return Error(domain.error());
  if (!IsValidDomainName(*domain)) return Error(ErrorCode::kInvalidDomainNameMalformed);
  LIVEREC_RETURN_IF_ERROR(CheckDomainAccess(context, *domain));

  metadata::RecordConfigQuery query;
  query.account_id = context.caller.account_id;
  query.domain_name = *domain;
  if (auto app = params.Get("AppName"); app && !app->empty()) query.app_name = *app;
  if (auto stream = params.Get("StreamName"); stream && !stream->empty())
    query.stream_name = *stream;
  auto page_num = params.OptionalInt("PageNum", 1, 1'000'000, ErrorCode::kInvalidPageNumMalformed);
  if (!page_num) return Error(page_num.error());
  auto page_size = params.OptionalInt("PageSize", 5, 30, ErrorCode::kInvalidPageSizeMalformed);
  if (!page_size) return Error(page_size.error());
  query.page_num = page_num->value_or(1);
  query.page_size = page_size->value_or(10);
  std::string order = params.Get("Order").value_or("");
  std::transform(order.begin(), order.end(), order.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (order.empty()) order = "asc";
  if (order != "asc" && order != "desc") {
    return Error(ErrorCode::kInvalidOrderMalformed, "", "Order must be asc or desc.");
  }
  query.ascending = order == "asc";

  auto page = context.deps.record_configs.List(query);
  if (!page) return Error(page.error());
  nlohmann::json records = nlohmann::json::array();
  for (const auto& config : page->configs) records.push_back(ConfigToJson(config));
  return nlohmann::json{{"PageNum", query.page_num},
                        {"PageSize", query.page_size},
                        {"Order", order},
                        {"TotalNum", page->total},
                        {"TotalPage", (page->total + query.page_size - 1) / query.page_size},
                        {"LiveAppRecordList", {{"LiveAppRecord", records}}}};
}

}  // namespace liverec::api::actions
