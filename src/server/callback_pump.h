// CallbackPump: runs delivery rounds of the callback outbox for the server (docs/callbacks.md).
// The server calls Run from its worker pool on a timer ([callbacks] poll_interval_ms) and when an
// event is enqueued; Run drains what is due, one round at a time (a call while a round runs makes
// that round go once more instead of running beside it), and purges old history hourly, on one
// node of a cluster at a time (cluster::kCallbackHistoryPurgeJob).
// Thread-safety: Run may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "base/clock.h"
#include "callbacks/deliverer.h"
#include "config/config.h"
#include "metadata/callback_outbox_repository.h"

namespace liverec::server {

class CallbackPump {
 public:
  // `on_attempt` (may be null) is told each attempt's outcome (DeliveryOptions::on_attempt).
  // `db` is the outbox's database (for the purge job's lock).
  CallbackPump(metadata::SqlDatabase& db, metadata::CallbackOutboxRepository& outbox,
               const Clock& clock, const config::CallbacksConfig& config,
               std::function<void(metadata::CallbackState)> on_attempt = {});

  // Logs how many events wait from before a restart (they are picked up by the first round).
  void LogPending();
  void Run();

 private:
  void RunRounds();
  void PurgeHistory(int64_t now_ms);

  metadata::SqlDatabase& db_;
  metadata::CallbackOutboxRepository& outbox_;
  const Clock& clock_;
  int64_t retention_ms_;
  callbacks::CurlHttpSender sender_;
  std::unique_ptr<callbacks::Deliverer> deliverer_;
  std::atomic<bool> running_{false};
  std::atomic<bool> again_{false};
  std::atomic<int64_t> last_purge_ms_{0};
};

}  // namespace liverec::server
