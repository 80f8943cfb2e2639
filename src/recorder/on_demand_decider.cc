#include "recorder/on_demand_decider.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "base/ids.h"
#include "base/percent_encoding.h"
#include "recorder/on_demand_reply.h"

namespace liverec::recorder {
namespace {

OnDemandDecision NotRecorded(std::string reason) { return {false, std::move(reason), {}}; }

}  // namespace

std::string OnDemandDecider::RequestUrl(const std::string& on_demand_url, const OnDemandQuery& q) {
  std::string url = on_demand_url;
  if (auto hash = url.find('#'); hash != std::string::npos) url.resize(hash);
  char separator = url.find('?') == std::string::npos ? '?' : '&';
  if (!url.empty() && (url.back() == '?' || url.back() == '&')) separator = '\0';
  std::string query =
      fmt::format("domain={}&app={}&stream={}&codec={}&vbitrate={}", PopEncode(q.domain),
                  PopEncode(q.app), PopEncode(q.stream), PopEncode(q.codec), q.vbitrate_kbps);
  return separator ? url + separator + query : url + query;
}

OnDemandDecision OnDemandDecider::Decide(const OnDemandQuery& query,
                                         const std::vector<metadata::RecordFormat>& configured) {
  Exchange exchange;
  OnDemandDecision decision = Ask(query, configured, exchange);
  std::string who = fmt::format("{}/{}/{}", query.domain, query.app, query.stream);
  if (decision.record) {
    spdlog::info("recorder: {}: on-demand: recorded ({})", who, decision.reason);
  } else {
    spdlog::info("recorder: {}: on-demand: not recorded: {}", who, decision.reason);
  }
  WriteHistory(query, exchange, decision);
  return decision;
}

OnDemandDecision OnDemandDecider::Ask(const OnDemandQuery& query,
                                      const std::vector<metadata::RecordFormat>& configured,
                                      Exchange& exchange) {
  auto config = notify_configs_.Find(query.account_id, query.domain);
  if (!config) return NotRecorded("cannot read the notify config: " + config.error().ToString());
  if (!*config || (*config)->on_demand_url.empty()) {
    return NotRecorded("the domain has no OnDemandUrl");
  }
  exchange.url = RequestUrl((*config)->on_demand_url, query);
  auto check =
      callbacks::CheckCallbackUrl(exchange.url, options_.allow_private_addresses, resolve_);
  if (check.verdict != callbacks::UrlVerdict::kOk) {
    return NotRecorded("OnDemandUrl refused: " + check.detail);
  }
  net::HttpClientRequest request;
  request.method = "GET";
  request.url = exchange.url;
  request.timeout_ms = options_.timeout_ms;
  request.max_response_bytes = kMaxOnDemandReplyBytes;
  auto response = sender_.Send(request);
  if (!response) return NotRecorded("the call failed: " + response.error().Message());
  exchange.status = response->status;
  exchange.response = response->body.substr(0, kMaxOnDemandReplyBytes);
  if (response->status != 200) {
    return NotRecorded(fmt::format("the reply's status is {}, not 200", response->status));
  }
  auto reply = ParseOnDemandReply(response->body);
  if (!reply) return NotRecorded("unparseable reply: " + reply.error().detail());
  exchange.answered = true;
  if (!reply->need_record) return NotRecorded("NeedRecord is false");
  OnDemandDecision decision{true, "", ApplyOnDemandReply(configured, *reply)};
  if (decision.formats.empty()) {
    return NotRecorded("none of the reply's Format is in the record config");
  }
  for (const auto& f : decision.formats) {
    decision.reason += fmt::format("{}{} (cycles of {} s)", decision.reason.empty() ? "" : ", ",
                                   f.format, f.cycle_duration_s);
  }
  return decision;
}

void OnDemandDecider::WriteHistory(const OnDemandQuery& query, const Exchange& exchange,
                                   const OnDemandDecision& decision) {
  int64_t now = clock_.NowMs();
  nlohmann::json formats = nlohmann::json::array();
  for (const auto& f : decision.formats) {
    formats.push_back({{"Format", f.format}, {"CycleDuration", f.cycle_duration_s}});
  }
  nlohmann::json body = {{"domain", query.domain},
                         {"app", query.app},
                         {"stream", query.stream},
                         {"codec", query.codec},
                         {"vbitrate", std::to_string(query.vbitrate_kbps)},
                         {"Recorded", decision.record},
                         {"Reason", decision.reason},
                         {"Formats", formats}};
  metadata::CallbackEventRow row;
  row.account_id = query.account_id;
  row.id = NewId(clock_, random_);
  row.domain_name = query.domain;
  row.app_name = query.app;
  row.stream_name = query.stream;
  row.kind = "on_demand";
  row.url = exchange.url;
  row.method = "GET";
  row.body = body.dump();
  row.state =
      exchange.answered ? metadata::CallbackState::kDelivered : metadata::CallbackState::kFailed;
  row.attempts = exchange.url.empty() ? 0 : 1;
  row.next_attempt_ms = now;
  row.last_attempt_ms = now;
  row.last_status = exchange.status;
  row.last_error = exchange.answered ? "" : decision.reason;
  row.last_headers = "{}";
  row.last_response = exchange.response;
  row.created_at_ms = now;
  if (exchange.answered) row.delivered_at_ms = now;
  Status inserted = history_.Insert(row);
  if (!inserted.ok()) {
    spdlog::error("recorder: {}/{}/{}: on-demand history not written: {}", query.domain, query.app,
                  query.stream, inserted.ToString());
  }
}

}  // namespace liverec::recorder
