// EgressProxyGate: the ConnectionGate of a relay attempt while the relay URL policy refuses
// private addresses. Plans come from PlanConnection with the attempt's EgressProxy lease (http,
// https and rtmps through the proxy; rtmp and srt pinned to a checked address); every refusal,
// the proxy's and the plan's, is logged and counted by the lease and kept for the attempt's
// failure detail. Without a lease (no proxy running) http, https and rtmps are refused.
// Thread-safety: any thread (the lease locks).
#pragma once

#include <memory>
#include <string>

#include "relay/egress/connection_gate.h"
#include "relay/egress/egress_proxy.h"
#include "relay/relay_url_policy.h"

namespace liverec::relay::egress {

class EgressProxyGate final : public ConnectionGate {
 public:
  // `lease` may be null; `no_proxy`: the environment variable's value ("" when unset).
  EgressProxyGate(std::shared_ptr<EgressLease> lease, UrlPolicy policy, std::string no_proxy)
      : lease_(std::move(lease)), policy_(std::move(policy)), no_proxy_(std::move(no_proxy)) {}

  tl::expected<ConnectPlan, std::string> Plan(const std::string& url) override;
  void NoteRefusal(const std::string& what, const std::string& why) override;
  std::string TakeRefusals() override { return lease_ ? lease_->TakeRefusals() : ""; }

 private:
  const std::shared_ptr<EgressLease> lease_;
  const UrlPolicy policy_;
  const std::string no_proxy_;
};

}  // namespace liverec::relay::egress
