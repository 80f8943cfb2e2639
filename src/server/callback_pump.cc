#include "server/callback_pump.h"

#include <spdlog/spdlog.h>

#include "callbacks/url_safety.h"
#include "cluster/one_node_job.h"

namespace liverec::server {
namespace {

constexpr int64_t kPurgeEveryMs = 3600'000;
constexpr int kMaxRoundsPerRun = 100;

callbacks::DeliveryOptions OptionsOf(const config::CallbacksConfig& c,
                                     std::function<void(metadata::CallbackState)> on_attempt) {
  callbacks::DeliveryOptions options;
  options.on_attempt = std::move(on_attempt);
  options.retry = {c.initial_backoff_ms, c.max_backoff_ms, c.min_attempts, c.horizon_s * 1000};
  options.timeout_ms = c.timeout_ms;
  if (!c.allow_private_addresses) {
    // The host may resolve elsewhere than when the config was accepted: check again.
    options.url_check = [](const std::string& url) {
      auto check = callbacks::CheckCallbackUrl(url, false, callbacks::SystemResolve);
      if (check.verdict == callbacks::UrlVerdict::kOk) return Status::Ok();
      return Status(ErrorCode::kInvalidNotifyUrlUnsafe, "", check.detail);
    };
  }
  return options;
}

}  // namespace

CallbackPump::CallbackPump(metadata::SqlDatabase& db, metadata::CallbackOutboxRepository& outbox,
                           const Clock& clock, const config::CallbacksConfig& config,
                           std::function<void(metadata::CallbackState)> on_attempt)
    : db_(db),
      outbox_(outbox),
      clock_(clock),
      retention_ms_(config.history_retention_days * 24 * 3600'000LL),
      deliverer_(std::make_unique<callbacks::Deliverer>(
          outbox, sender_, clock, OptionsOf(config, std::move(on_attempt)))) {}

void CallbackPump::LogPending() {
  auto pending = outbox_.CountPending();
  if (!pending) {
    spdlog::warn("callbacks: {}", pending.error().ToString());
  } else if (*pending > 0) {
    spdlog::info("callbacks: {} events wait for delivery", *pending);
  }
}

void CallbackPump::Run() {
  again_ = true;
  if (running_.exchange(true)) return;  // the running round goes once more
  while (again_.exchange(false)) RunRounds();
  running_ = false;
  // A Run that came between the last check and clearing running_ found it set: go again.
  if (again_ && !running_.exchange(true)) {
    while (again_.exchange(false)) RunRounds();
    running_ = false;
  }
}

void CallbackPump::RunRounds() {
  for (int i = 0; i < kMaxRoundsPerRun; ++i) {
    auto attempted = deliverer_->RunOnce();
    if (!attempted) {
      spdlog::warn("callbacks: delivery round: {}", attempted.error().ToString());
      break;
    }
    if (*attempted == 0) break;
  }
  int64_t now = clock_.NowMs();
  if (now - last_purge_ms_ >= kPurgeEveryMs) {
    last_purge_ms_ = now;
    PurgeHistory(now);
  }
}

void CallbackPump::PurgeHistory(int64_t now_ms) {
  int64_t purged = 0;
  auto ran = cluster::RunOnOneNode(db_, cluster::kCallbackHistoryPurgeJob, [&]() -> Status {
    auto deleted = outbox_.PurgeFinishedBefore(now_ms - retention_ms_);
    if (!deleted) return deleted.error();
    purged = *deleted;
    return Status::Ok();
  });
  if (!ran) {
    spdlog::warn("callbacks: purging history: {}", ran.error().ToString());
  } else if (purged > 0) {
    spdlog::info("callbacks: purged {} delivered or failed events", purged);
  }
}

}  // namespace liverec::server
