#include "relay/relay_leases.h"

#include <set>

#include <spdlog/spdlog.h>

#include "relay/relay_claims.h"

namespace liverec::relay {

RelayLeases::RelayLeases(metadata::LeaseRepository& leases, const Clock& clock,
                         RelayLeaseOptions options)
    : leases_(leases), clock_(clock), options_(std::move(options)) {}

std::vector<std::string> RelayLeases::Renew() {
  std::vector<std::string> lost;
  int64_t now = clock_.NowMs();
  auto renewed =
      leases_.RenewAllOf(std::string(kRelayLeaseKind), options_.holder, options_.lease_ms);
  if (!renewed) {
    if (held_.empty() || now < held_until_ms_) {
      spdlog::warn("relay: cannot renew the task leases: {}", renewed.error().ToString());
      return lost;
    }
    // Others may take the tasks over from now on: let go of them all.
    spdlog::error("relay: cannot renew the task leases and they have lapsed, {} relays stop: {}",
                  held_.size(), renewed.error().ToString());
    for (const auto& [id, held] : held_) lost.push_back(id);
    held_.clear();
    return lost;
  }
  held_until_ms_ = now + options_.lease_ms;
  std::set<std::string> names(renewed->begin(), renewed->end());
  std::set<std::string> tracked;
  for (auto it = held_.begin(); it != held_.end();) {
    std::string name = RelayLeaseKey(it->second.account_id, it->first).name;
    tracked.insert(name);
    if (names.count(name)) {
      ++it;
      continue;
    }
    spdlog::warn("relay: task {}: lease lost (taken over or released by another node)", it->first);
    lost.push_back(it->first);
    it = held_.erase(it);
  }
  // A lease of this holder it does not track (a release that failed): let it go.
  for (const auto& name : names) {
    if (!tracked.count(name)) ReleaseUntracked(name);
  }
  return lost;
}

std::vector<metadata::RelayTaskState> RelayLeases::Claim(
    const std::vector<metadata::RelayTaskState>& tasks) {
  std::vector<metadata::RelayTaskState> taken;
  auto leases = leases_.List(std::string(kRelayLeaseKind));
  if (!leases) {
    spdlog::warn("relay: cannot read the task leases: {}", leases.error().ToString());
    return taken;
  }
  ClaimInputs in{tasks,
                 std::move(*leases),
                 options_.holder,
                 options_.previous_holder,
                 clock_.NowMs(),
                 options_.live_nodes ? options_.live_nodes() : 1,
                 options_.max_per_node,
                 options_.grace_ms,
                 seen_free_since_};
  ClaimPlan plan = PlanClaims(in);
  seen_free_since_ = plan.free;
  for (const auto& task : plan.take) {
    auto lease = leases_.Acquire(RelayLeaseKey(task.account_id, task.task_id), options_.holder,
                                 options_.lease_ms, options_.previous_holder);
    if (!lease) {
      if (lease.error().code() != ErrorCode::kLeaseHeld) {
        spdlog::warn("relay: task {}: cannot take its lease: {}", task.task_id,
                     lease.error().ToString());
      }
      continue;  // another node was quicker
    }
    if (held_.empty()) held_until_ms_ = lease->expires_at_ms;
    held_[task.task_id] = {task.account_id, lease->epoch};
    spdlog::info("relay: task {}: taken ({} of {} tasks held here, fair share {}; lease epoch {})",
                 task.task_id, held_.size(), plan.wanting, plan.fair_share, lease->epoch);
    taken.push_back(task);
  }
  return taken;
}

std::vector<std::string> RelayLeases::HeldIds() const {
  std::vector<std::string> ids;
  ids.reserve(held_.size());
  for (const auto& [id, held] : held_) ids.push_back(id);
  return ids;
}

metadata::Fence RelayLeases::FenceOf(const std::string& task_id) const {
  auto it = held_.find(task_id);
  if (it == held_.end()) return {{std::string(kRelayLeaseKind), task_id}, options_.holder, -1};
  return {RelayLeaseKey(it->second.account_id, task_id), options_.holder, it->second.epoch};
}

void RelayLeases::Release(const std::string& task_id) {
  auto it = held_.find(task_id);
  if (it == held_.end()) return;
  auto released = leases_.Release(RelayLeaseKey(it->second.account_id, task_id), options_.holder,
                                  it->second.epoch);
  if (!released) {
    spdlog::warn("relay: task {}: cannot release its lease (it lapses): {}", task_id,
                 released.error().ToString());
  }
  held_.erase(it);
}

void RelayLeases::ReleaseUntracked(const std::string& name) {
  metadata::LeaseKey key{std::string(kRelayLeaseKind), name};
  auto lease = leases_.Get(key);
  if (!lease || !*lease || (*lease)->holder != options_.holder) return;
  auto released = leases_.Release(key, options_.holder, (*lease)->epoch);
  if (!released) spdlog::warn("relay: cannot release {}", metadata::DescribeLease(**lease));
}

void RelayLeases::ReleaseAll() {
  for (const auto& id : HeldIds()) Release(id);
}

}  // namespace liverec::relay
