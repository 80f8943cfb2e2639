#include "server/api_setup.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

namespace liverec::server {

api::RecordLimits RecordLimitsOf(const config::Config& config) {
  api::RecordLimits limits;
  if (config.testing.enabled) {
    spdlog::warn(
        "testing section enabled: API minimums lowered (DelayTime >= {} s, "
        "CycleDuration >= {} s, SliceDuration >= {} s). Never use this in production.",
        config.testing.min_delay_time_s, config.testing.min_cycle_duration_s,
        config.testing.min_slice_duration_s);
    limits = {config.testing.min_delay_time_s, config.testing.min_cycle_duration_s,
              config.testing.min_slice_duration_s};
  }
  return limits;
}

relay::UrlPolicy RelayUrlPolicyOf(const config::Config& config) {
  relay::UrlPolicy policy;
  policy.allow_private_addresses = config.relay.allow_private_addresses;
  policy.media_root = config.relay.media_root;
  if (config.testing.enabled) policy.public_addresses = config.testing.public_addresses;
  return policy;
}

api::RelayServices RelayServicesOf(const config::Config& config) {
  api::RelayServices relay;
  relay.max_tasks = config.relay.max_tasks;
  relay.max_cluster_tasks = config.relay.max_tasks_per_cluster;
  relay.exited_retention_ms = config.relay.exited_retention_s * 1000;
  relay.urls = RelayUrlPolicyOf(config);
  if (config.testing.enabled) {
    spdlog::warn("testing section enabled: RetryInterval >= {} s",
                 config.testing.min_retry_interval_s);
    relay.min_retry_interval_s = config.testing.min_retry_interval_s;
    if (!config.testing.public_addresses.empty()) {
      spdlog::warn("testing section enabled: relays treat {} as public addresses",
                   fmt::join(config.testing.public_addresses, ", "));
    }
  }
  if (config.relay.allow_private_addresses) {
    spdlog::warn(
        "relay: allow_private_addresses is on: relay sources and destinations may point "
        "into this network");
  }
  return relay;
}

Result<api::OperatorServices> OperatorServicesOf(const config::Config& config,
                                                 metadata::TenantRepository& tenants,
                                                 const NodeListingSource& nodes) {
  api::OperatorServices operators;
  for (const auto& name : config.api.operator_accounts) {
    auto account = tenants.FindAccountByName(name);
    if (!account) return Error(account.error());
    if (!*account) {
      return Error(ErrorCode::kInvalidConfiguration, "",
                   fmt::format("api.operator_accounts: no account '{}'", name));
    }
    operators.account_ids.insert((*account)->id);
  }
  operators.nodes = [&nodes](int64_t now_ms) { return nodes.List(now_ms); };
  return operators;
}

}  // namespace liverec::server
