// Deliverer: sends due callbacks from the outbox (docs/callbacks.md). Each round (RunOnce) takes
// the events due now, claims each for a lease (so a crash mid-attempt means a retry, never a
// loss), sends it, and records the outcome. On PostgreSQL, where several nodes deliver from one
// outbox, the round claims its batch in one statement that skips other nodes' claims
// (CallbackOutboxRepository::ClaimDue); on SQLite it claims each event right before sending it.
// Outcomes: a 2xx answer marks it delivered; anything else
// (other status, refused, timeout, an unsafe address) schedules the next attempt by the
// RetryPolicy, or marks it failed past the horizon. Delivery is at-least-once: a receiver may see
// an event again (after a lost answer or a crash) and tells repeats apart by X-Liverec-Event-Id.
//
// Headers of every attempt: User-Agent, X-Liverec-Event-Id, X-Liverec-Event-Kind,
// X-Liverec-Attempt (1-based), Content-Type: application/json on a POST, and with a sign key
// ALI-LIVE-TIMESTAMP / ALI-LIVE-SIGNATURE computed at send time over the event's
// sign_host (the URL's host when it has none). A GET (stream events) has no body:
// its query string goes after the URL (RequestUrl).
//
// Time comes from the Clock; no sleeping: the caller decides when rounds run (the server: a
// timer, and a wake-up on enqueue). Thread-safety: one round at a time (the caller serializes);
// the repository may be shared with other threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/clock.h"
#include "callbacks/http_sender.h"
#include "callbacks/retry_policy.h"
#include "metadata/callback_outbox_repository.h"

namespace liverec::callbacks {

inline constexpr std::string_view kEventIdHeader = "X-Liverec-Event-Id";
inline constexpr std::string_view kEventKindHeader = "X-Liverec-Event-Kind";
inline constexpr std::string_view kAttemptHeader = "X-Liverec-Attempt";

struct DeliveryOptions {
  RetryPolicy retry;
  int64_t timeout_ms = 5000;  // per attempt (the cloud's is 5 s too)
  int64_t batch = 32;         // events per round at most
  std::string user_agent = "liverec-callbacks/1";
  // Checked before each attempt (the URL's host may resolve elsewhere by now); an error fails
  // the attempt with its detail. Null: no check.
  std::function<Status(const std::string& url)> url_check;
  // Told the new state of every attempted event once its outcome is stored: delivered, pending
  // (to be retried) or failed (given up). Null: nobody is told.
  std::function<void(metadata::CallbackState)> on_attempt;
};

// The URL an event is sent to: its url, with a GET's query appended (after the URL's own query,
// before any fragment).
std::string RequestUrl(const metadata::CallbackEventRow& event);

class Deliverer {
 public:
  Deliverer(metadata::CallbackOutboxRepository& outbox, HttpSender& sender, const Clock& clock,
            DeliveryOptions options)
      : outbox_(outbox), sender_(sender), clock_(clock), options_(std::move(options)) {}

  // Attempts every event due now (up to the batch size); returns how many were attempted.
  Result<int> RunOnce();

 private:
  Result<int> RunBatch();
  Result<int> RunOneByOne();
  Status Attempt(const metadata::CallbackEventRow& event);

  metadata::CallbackOutboxRepository& outbox_;
  HttpSender& sender_;
  const Clock& clock_;
  DeliveryOptions options_;
};

}  // namespace liverec::callbacks
