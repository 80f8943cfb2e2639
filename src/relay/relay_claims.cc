#include "relay/relay_claims.h"

#include <algorithm>
#include <climits>
#include <map>

#include "relay/relay_task.h"

namespace liverec::relay {
namespace {

struct Free {
  metadata::RelayTaskState task;
  int64_t free_since_ms = 0;
};

}  // namespace

metadata::LeaseKey RelayLeaseKey(const std::string& account_id, const std::string& task_id) {
  return {std::string(kRelayLeaseKind), account_id + "/" + task_id};
}

bool WantsHolder(const metadata::RelayTaskState& task) {
  return task.status != static_cast<int64_t>(TaskStatus::kExited);
}

ClaimPlan PlanClaims(const ClaimInputs& in) {
  std::map<std::string, const metadata::Lease*> leases;
  for (const auto& lease : in.leases) leases[lease.key.name] = &lease;
  ClaimPlan plan;
  std::vector<Free> free;
  for (const auto& task : in.tasks) {
    if (!WantsHolder(task)) continue;
    plan.wanting += 1;
    auto it = leases.find(RelayLeaseKey(task.account_id, task.task_id).name);
    const metadata::Lease* lease = it == leases.end() ? nullptr : it->second;
    if (lease && lease->holder == in.holder) {
      plan.held += 1;
      continue;
    }
    bool gone = lease && !in.previous_holder.empty() && lease->holder == in.previous_holder;
    if (lease && lease->Live(in.now_ms) && !gone) continue;
    std::string name = RelayLeaseKey(task.account_id, task.task_id).name;
    auto seen = in.seen_free_since.find(name);
    int64_t since = seen == in.seen_free_since.end() ? in.now_ms : seen->second;
    plan.free[name] = since;
    // This node's own tasks of its previous run: taken back at once, first.
    free.push_back({task, gone ? INT64_MIN : since});
  }
  int64_t nodes = std::max<int64_t>(in.live_nodes, 1);
  plan.fair_share = (plan.wanting + nodes - 1) / nodes;
  std::stable_sort(free.begin(), free.end(),
                   [](const Free& a, const Free& b) { return a.free_since_ms < b.free_since_ms; });
  auto capped = [&](int64_t count) { return in.max_per_node > 0 && count >= in.max_per_node; };
  int64_t count = plan.held;
  for (const auto& candidate : free) {
    if (capped(count)) break;
    bool overdue =
        candidate.free_since_ms == INT64_MIN || in.now_ms - candidate.free_since_ms >= in.grace_ms;
    if (count >= plan.fair_share && !overdue) continue;
    plan.take.push_back(candidate.task);
    count += 1;
  }
  return plan;
}

}  // namespace liverec::relay
