#include "relay/egress/egress_proxy_gate.h"

#include <spdlog/spdlog.h>

namespace liverec::relay::egress {

tl::expected<ConnectPlan, std::string> EgressProxyGate::Plan(const std::string& url) {
  auto plan = PlanConnection(url, policy_, lease_ ? lease_->proxy_url() : "", no_proxy_);
  if (!plan) {
    const std::string what = "open " + url.substr(0, url.find_first_of("?#"));
    if (lease_) {
      lease_->LogRefusal(what, plan.error());
    } else {
      spdlog::warn("relay egress: refused {}: {}", what, plan.error());
    }
  }
  return plan;
}

void EgressProxyGate::NoteRefusal(const std::string& what, const std::string& why) {
  if (lease_) {
    lease_->NoteRefusal(what, why);
  } else {
    spdlog::warn("relay egress: refused {}: {}", what, why);
  }
}

}  // namespace liverec::relay::egress
