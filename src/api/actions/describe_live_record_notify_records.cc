// DescribeLiveRecordNotifyRecords: the delivery history of a domain's recording callbacks, from
// the outbox: one entry per event attempted at least once, with its latest attempt,
// newest first.
#include "api/actions/actions.h"
#include "api/notify_config_params.h"
#include "base/time_format.h"

namespace liverec::api::actions {
namespace {

constexpr int64_t kHistoryWindowMs = 7LL * 24 * 3600'000;

Result<int64_t> RequiredTime(const Params& params, const char* name, ErrorCode malformed) {
  auto text = params.Required(name);
  if (!text) return Error(text.error());
  auto when = ParseIsoUtc(*text);
  if (!when)
    return Error(malformed, "", std::string(name) + " must be yyyy-MM-ddTHH:mm:ssZ (UTC).");
  return *when;
}

std::string Describe(const metadata::CallbackEventRow& e) {
  std::string attempts = std::to_string(e.attempts) + (e.attempts == 1 ? " attempt" : " attempts");
  switch (e.state) {
    case metadata::CallbackState::kDelivered:
      return "delivered after " + attempts;
    case metadata::CallbackState::kFailed:
      return "gave up after " + attempts + ": " + e.last_error;
    case metadata::CallbackState::kPending:
      break;
  }
  return e.last_error + " (" + attempts + "; next attempt at " + FormatIsoUtc(e.next_attempt_ms) +
         ")";
}

nlohmann::json EventToJson(const metadata::CallbackEventRow& e) {
  bool delivered = e.state == metadata::CallbackState::kDelivered;
  return {{"DomainName", e.domain_name},
          {"AppName", e.app_name},
          {"StreamName", e.stream_name},
          {"NotifyUrl", e.url},
          {"NotifyType", e.kind},
          {"NotifyTime", FormatIsoUtc(e.last_attempt_ms.value_or(e.created_at_ms))},
          {"NotifyContent", e.body},
          {"NotifyHeader", e.last_headers},
          {"NotifyResponse", e.last_response},
          {"NotifyResult", delivered ? "success" : "failed"},
          {"Description", Describe(e)},
          {"StorageType", "oss"}};
}

}  // namespace

Result<nlohmann::json> DescribeLiveRecordNotifyRecords(ActionContext& context,
                                                       const Params& params) {
  auto domain = ParseNotifyDomain(context, params);
  if (!domain) return Error(domain.error());
  metadata::CallbackHistoryQuery query;
  query.account_id = context.caller.account_id;
  query.domain_name = *domain;
  if (auto app = params.Get("AppName"); app && !app->empty()) query.app_name = *app;
  if (auto stream = params.Get("StreamName"); stream && !stream->empty())
    query.stream_name = *stream;
  auto start = RequiredTime(params, "StartTime", ErrorCode::kInvalidStartTimeMalformed);
  if (!start) return Error(start.error());
  auto end = RequiredTime(params, "EndTime", ErrorCode::kInvalidEndTimeMalformed);
  if (!end) return Error(end.error());
  if (*end <= *start) {
    return Error(ErrorCode::kInvalidEndTimeMismatch, "", "EndTime must be after StartTime.");
  }
  if (*start < context.now_ms - kHistoryWindowMs) {
    return Error(ErrorCode::kInvalidStartTimeMismatch, "",
                 "StartTime must be within the last 7 days.");
  }
  query.start_ms = *start;
  query.end_ms = *end;
  auto page_num = params.OptionalInt("PageNumber", 1, 100'000, ErrorCode::kInvalidPageNumMalformed);
  if (!page_num) return Error(page_num.error());
  auto page_size = params.OptionalInt("PageSize", 1, 500, ErrorCode::kInvalidPageSizeMalformed);
  if (!page_size) return Error(page_size.error());
  query.page_num = page_num->value_or(1);
  query.page_size = page_size->value_or(20);
  std::string status = params.Get("Status").value_or("");
  if (status == "success") {
    query.delivered = true;
  } else if (status == "failed") {
    query.delivered = false;
  } else if (!status.empty()) {
    return Error(ErrorCode::kInvalidStatusMalformed);
  }
  std::string storage = params.Get("StorageType").value_or("");
  if (!storage.empty() && storage != "oss" && storage != "vod" && storage != "all") {
    return Error(ErrorCode::kInvalidStorageTypeMalformed);
  }

  nlohmann::json list = nlohmann::json::array();
  int64_t total = 0;
  if (storage != "vod") {  // liverec records to buckets only: nothing is ever stored in VOD
    auto page = context.deps.callback_outbox->ListHistory(query);
    if (!page) return Error(page.error());
    total = page->total;
    for (const auto& event : page->events) list.push_back(EventToJson(event));
  }
  return nlohmann::json{{"Code", 0},
                        {"Msg", "ok"},
                        {"PageNum", query.page_num},
                        {"PageSize", query.page_size},
                        {"TotalNum", total},
                        {"TotalPage", (total + query.page_size - 1) / query.page_size},
                        {"CallbackList", list}};
}

}  // namespace liverec::api::actions
