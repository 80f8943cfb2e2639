#include "callbacks/deliverer.h"

#include <nlohmann/json.hpp>

#include "callbacks/notify_signing.h"
#include "callbacks/url_safety.h"

namespace liverec::callbacks {
namespace {

constexpr size_t kMaxStoredResponse = 1024;
constexpr size_t kMaxResponseBytes = 1024 * 1024;
// A claim's lease: the attempt's timeout and this margin (per event claimed before it too).
constexpr int64_t kLeaseMarginMs = 30'000;
// RunBatch sends a claimed event only while this much of the margin is left after its attempt.
constexpr int64_t kLateMarginMs = 10'000;

std::string HeadersJson(const std::map<std::string, std::string>& headers) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  for (const auto& [name, value] : headers) json[name] = value;
  return json.dump();
}

// At most `limit` bytes of the receiver's answer, as valid UTF-8 (invalid bytes replaced), so
// the history API can render it.
std::string Truncate(std::string text, size_t limit) {
  if (text.size() > limit) text.resize(limit);
  std::string quoted =
      nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return nlohmann::json::parse(quoted).get<std::string>();
}

}  // namespace

std::string RequestUrl(const metadata::CallbackEventRow& event) {
  if (event.method != "GET" || event.query.empty()) return event.url;
  std::string url = event.url;
  std::string fragment;
  if (auto hash = url.find('#'); hash != std::string::npos) {
    fragment = url.substr(hash);
    url.resize(hash);
  }
  if (url.find('?') == std::string::npos) {
    url += '?';
  } else if (!url.ends_with('?') && !url.ends_with('&')) {
    url += '&';
  }
  return url + event.query + fragment;
}

Result<int> Deliverer::RunOnce() { return outbox_.ClaimsInBatches() ? RunBatch() : RunOneByOne(); }

// Nodes sharing PostgreSQL: the batch is claimed at once, each event leased long enough for the
// attempts before it and its own. An event whose turn comes too late to finish within its lease
// (the attempts before it took longer than planned) is given back rather than sent, so that it
// is never sent here while another node, seeing its lease over, sends it too.
Result<int> Deliverer::RunBatch() {
  int64_t now = clock_.NowMs();
  auto claimed = outbox_.ClaimDue(now, options_.batch, now + options_.timeout_ms + kLeaseMarginMs,
                                  options_.timeout_ms);
  if (!claimed) return Error(claimed.error());
  int attempted = 0;
  for (const auto& event : *claimed) {
    int64_t lease_until = event.next_attempt_ms;
    if (clock_.NowMs() + options_.timeout_ms + kLateMarginMs > lease_until) {
      auto given_back = outbox_.Unclaim(event.account_id, event.id, lease_until, clock_.NowMs());
      if (!given_back) return Error(given_back.error());
      continue;
    }
    LIVEREC_RETURN_IF_ERROR(Attempt(event));
    ++attempted;
  }
  return attempted;
}

// One node (SQLite): each event is claimed right before its attempt, so a crash leaves the
// events after it due at once.
Result<int> Deliverer::RunOneByOne() {
  auto due = outbox_.ListDue(clock_.NowMs(), options_.batch);
  if (!due) return Error(due.error());
  int attempted = 0;
  for (const auto& event : *due) {
    int64_t now = clock_.NowMs();
    int64_t lease_until = now + options_.timeout_ms + kLeaseMarginMs;
    auto claimed = outbox_.Claim(event.account_id, event.id, now, lease_until);
    if (!claimed) return Error(claimed.error());
    if (!*claimed) continue;  // someone else took it, or it changed meanwhile
    LIVEREC_RETURN_IF_ERROR(Attempt(event));
    ++attempted;
  }
  return attempted;
}

Status Deliverer::Attempt(const metadata::CallbackEventRow& event) {
  int64_t now = clock_.NowMs();
  int64_t attempt_number = event.attempts + 1;
  net::HttpClientRequest request;
  bool get = event.method == "GET";
  request.method = event.method;
  request.url = RequestUrl(event);
  if (!get) request.body = event.body;
  request.timeout_ms = options_.timeout_ms;
  request.max_response_bytes = kMaxResponseBytes;
  request.headers = {{"User-Agent", options_.user_agent},
                     {std::string(kEventIdHeader), event.id},
                     {std::string(kEventKindHeader), event.kind},
                     {std::string(kAttemptHeader), std::to_string(attempt_number)}};
  if (!get) request.headers["Content-Type"] = "application/json";
  if (!event.sign_key.empty()) {
    std::string host = event.sign_host;
    if (host.empty()) {
      auto url = ParseHttpUrl(event.url);
      host = url ? url->host : "";
    }
    request.headers.merge(NotifyAuthHeaders(host, now, event.sign_key));
  }

  metadata::CallbackAttempt outcome;
  outcome.account_id = event.account_id;
  outcome.id = event.id;
  outcome.attempted_at_ms = now;
  outcome.headers = HeadersJson(request.headers);

  Status refused = options_.url_check ? options_.url_check(event.url) : Status::Ok();
  if (!refused.ok()) {
    outcome.error = refused.Message();
  } else if (auto response = sender_.Send(request); !response) {
    outcome.error =
        response.error().detail().empty() ? response.error().Message() : response.error().detail();
  } else {
    outcome.status = response->status;
    outcome.response = Truncate(std::move(response->body), kMaxStoredResponse);
    if (response->status < 200 || response->status > 299) {
      outcome.error = "HTTP " + std::to_string(response->status);
    }
  }

  int64_t done_at = clock_.NowMs();
  if (outcome.error.empty()) {
    outcome.new_state = metadata::CallbackState::kDelivered;
  } else if (auto next =
                 NextAttemptMs(options_.retry, attempt_number, event.created_at_ms, done_at)) {
    outcome.new_state = metadata::CallbackState::kPending;
    outcome.next_attempt_ms = *next;
  } else {
    outcome.new_state = metadata::CallbackState::kFailed;
  }
  auto recorded = outbox_.RecordAttempt(outcome);
  if (!recorded) return recorded.error();
  if (*recorded && options_.on_attempt) options_.on_attempt(outcome.new_state);
  return Status::Ok();
}

}  // namespace liverec::callbacks
