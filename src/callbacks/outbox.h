// Outbox: the one way to send a callback. Enqueue writes the event to the durable outbox
// (metadata::CallbackOutboxRepository) and returns — no network on the caller's thread; the
// Deliverer sends it later, retrying until it is delivered or the retry horizon passes.
// Thread-safety: Enqueue may be called from any thread; the wake-up hook is set once at start.
#pragma once

#include <functional>
#include <string>

#include "base/clock.h"
#include "base/random.h"
#include "metadata/callback_outbox_repository.h"

namespace liverec::callbacks {

// One callback to send. `kind` names it in the history (NotifyType): file_created,
// record_started, record_paused, record_resumed, or any other kind later callers need (relay,
// stream events) — the outbox does not interpret it.
struct CallbackEvent {
  std::string account_id;
  std::string domain;
  std::string app;
  std::string stream;
  std::string kind;
  std::string url;
  std::string method = "POST";
  std::string body;       // POST: sent as application/json
  std::string sign_key;   // NotifyAuthKey: adds ALI-LIVE-TIMESTAMP/SIGNATURE; "" none
  std::string query;      // GET: appended to `url` as its query string (stream events, §11.2)
  std::string sign_host;  // the name signed with sign_key; "" = the host of `url`
  // "" (most events): a new UUIDv7. Else the caller's id, derived from what the event is about
  // (FileCreatedEventId): enqueuing it again is then a no-op, so an event that may be enqueued a
  // second time after a crash is stored once.
  std::string id;
};

class Outbox {
 public:
  Outbox(metadata::CallbackOutboxRepository& repository, const Clock& clock, RandomSource& random)
      : repository_(repository), clock_(clock), random_(random) {}

  // Stores the event, due at once, and returns its id (the X-Liverec-Event-Id header). With an
  // `event.id` already stored for the account, stores nothing (the first copy is kept, whatever
  // its state) and returns the id.
  Result<std::string> Enqueue(const CallbackEvent& event);

  // Called after each enqueue (the server uses it to start a delivery round at once).
  void SetWakeUp(std::function<void()> wake_up) { wake_up_ = std::move(wake_up); }

 private:
  metadata::CallbackOutboxRepository& repository_;
  const Clock& clock_;
  RandomSource& random_;
  std::function<void()> wake_up_;
};

}  // namespace liverec::callbacks
