// OnDemandDecider: asks a domain's OnDemandUrl whether a stream published under an OnDemand=1
// record config is recorded (docs/recording.md), and leaves the outcome in the notify history.
//
// Decide is blocking network I/O (one GET, at most `timeout_ms`): call it from a worker, never
// from an I/O thread (OnDemandGate does that). Every call writes one `on_demand` row to the
// callback outbox, already final (delivered when a 200 reply was read and parsed, failed
// otherwise) so the deliverer never sends it again and DescribeLiveRecordNotifyRecords lists it
// (docs/callbacks.md). Not recorded — with the reason — when the domain has no OnDemandUrl, the
// URL is unsafe, the call fails or times out, the status is not 200, the reply does not parse,
// NeedRecord is false, or no configured format is left after `Format`.
// Thread-safety: Decide may be called from any thread (the repositories and sender are).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "callbacks/http_sender.h"
#include "callbacks/url_safety.h"
#include "metadata/callback_outbox_repository.h"
#include "metadata/notify_config_repository.h"
#include "metadata/rows.h"

namespace liverec::recorder {

struct OnDemandQuery {
  std::string account_id;
  std::string domain;
  std::string app;
  std::string stream;
  std::string codec;          // "h264" | "h265" | "" (no video)
  int64_t vbitrate_kbps = 0;  // measured over the first second of video; 0 without video
};

struct OnDemandDecision {
  bool record = false;
  std::string reason;                           // why not, or what was decided
  std::vector<metadata::RecordFormat> formats;  // when recorded: the formats, with overrides
};

struct OnDemandOptions {
  bool allow_private_addresses = false;  // [callbacks] allow_private_addresses
  int64_t timeout_ms = 3000;             // [callbacks] on_demand_timeout_ms
};

class OnDemandDecider {
 public:
  OnDemandDecider(metadata::NotifyConfigRepository& notify_configs,
                  metadata::CallbackOutboxRepository& history, callbacks::HttpSender& sender,
                  const Clock& clock, RandomSource& random, OnDemandOptions options,
                  callbacks::Resolver resolve = callbacks::SystemResolve)
      : notify_configs_(notify_configs),
        history_(history),
        sender_(sender),
        clock_(clock),
        random_(random),
        options_(options),
        resolve_(std::move(resolve)) {}

  // `configured`: the formats of the matched record config.
  OnDemandDecision Decide(const OnDemandQuery& query,
                          const std::vector<metadata::RecordFormat>& configured);

  // The GET URL: OnDemandUrl with domain, app, stream, codec and vbitrate appended.
  static std::string RequestUrl(const std::string& on_demand_url, const OnDemandQuery& query);

 private:
  struct Exchange {
    std::string url;
    int64_t status = 0;
    std::string response;
    bool answered = false;  // a 200 reply was read and parsed
  };
  OnDemandDecision Ask(const OnDemandQuery& query,
                       const std::vector<metadata::RecordFormat>& configured, Exchange& exchange);
  void WriteHistory(const OnDemandQuery& query, const Exchange& exchange,
                    const OnDemandDecision& decision);

  metadata::NotifyConfigRepository& notify_configs_;
  metadata::CallbackOutboxRepository& history_;
  callbacks::HttpSender& sender_;
  const Clock& clock_;
  RandomSource& random_;
  OnDemandOptions options_;
  callbacks::Resolver resolve_;
};

}  // namespace liverec::recorder
