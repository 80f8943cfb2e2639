// RelayDriver in cluster mode (relay_driver.h): the poll of the tasks' states, the claims, the
// renewal and release of the leases. Everything here runs on the driver's executor.
#include <map>

#include <spdlog/spdlog.h>

#include "relay/relay_driver.h"

namespace liverec::relay {

void RelayDriver::ClusterPass() {
  int64_t now = deps_.clock.NowMs();
  next_poll_ms_ = now + deps_.poll_ms;
  if (now >= next_renew_ms_) RenewLeases();
  auto states = deps_.tasks.ListStates();
  if (!states) {
    spdlog::warn("relay: cannot read the tasks' states: {}", states.error().ToString());
    return;
  }
  FollowHeldTasks(*states);
  ClaimFreeTasks(*states);
}

// Every lease / 3, as the membership heartbeat: the leases, then the exited tasks past their
// retention (any node may delete those: they send no callback).
void RelayDriver::RenewLeases() {
  int64_t now = deps_.clock.NowMs();
  next_renew_ms_ = now + deps_.leases->options().lease_ms / 3;
  for (const auto& id : deps_.leases->Renew()) Lost(id);
  auto purged = deps_.tasks.PurgeEnded("", now - deps_.options.exited_retention_ms);
  if (!purged) {
    spdlog::warn("relay: cannot remove the tasks past their retention: {}",
                 purged.error().ToString());
  } else if (*purged > 0) {
    spdlog::info("relay: removed {} tasks past their retention", *purged);
  }
}

// A held task the user changed (its revision moved) reaches the scheduler as Upsert; one the
// user deleted as Remove (the exit callback).
void RelayDriver::FollowHeldTasks(const std::vector<metadata::RelayTaskState>& states) {
  std::map<std::string, const metadata::RelayTaskState*> by_id;
  for (const auto& state : states) by_id[state.task_id] = &state;
  for (const auto& id : deps_.leases->HeldIds()) {
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      Apply(scheduler_.Remove(id), 0);
      deps_.leases->Release(id);
      continue;
    }
    const RelayTask* known = scheduler_.Find(id);
    if (known && known->revision == it->second->revision) continue;
    auto row = deps_.tasks.Find(it->second->account_id, id);
    if (!row) {
      spdlog::warn("relay: task {}: cannot read it: {}", id, row.error().ToString());
    } else if (!*row) {
      Apply(scheduler_.Remove(id), 0);
      deps_.leases->Release(id);
    } else {
      Apply(known ? scheduler_.Upsert(**row) : scheduler_.Adopt(**row), 0);
    }
  }
}

void RelayDriver::ClaimFreeTasks(const std::vector<metadata::RelayTaskState>& states) {
  for (const auto& task : deps_.leases->Claim(states)) Adopt(task.account_id, task.task_id);
}

// A task just taken: its row as stored now (read after the lease was taken, so that the
// previous holder's last fenced save is in it).
void RelayDriver::Adopt(const std::string& account_id, const std::string& task_id) {
  auto row = deps_.tasks.Find(account_id, task_id);
  if (!row || !*row) {
    if (!row) spdlog::warn("relay: task {}: cannot read it: {}", task_id, row.error().ToString());
    deps_.leases->Release(task_id);
    return;
  }
  const RelayTask& task = **row;
  spdlog::info("relay: task {}: adopted (status {}, file {} at {} s)", task_id, task.status,
               task.current_file_index, task.current_offset_s);
  Apply(scheduler_.Adopt(task), 0);
}

// The lease is gone: the relay stops, nothing is written, no callback is sent.
void RelayDriver::Lost(const std::string& task_id) {
  deps_.leases->Drop(task_id);
  Apply(scheduler_.Forget(task_id), 1);
}

// Tasks that no longer want a holder (exited) or that the scheduler dropped are let go.
void RelayDriver::ReleaseFinished() {
  for (const auto& id : deps_.leases->HeldIds()) {
    const RelayTask* task = scheduler_.Find(id);
    if (task && StatusOf(*task) != TaskStatus::kExited) continue;
    if (task) Apply(scheduler_.Forget(id), 1);
    deps_.leases->Release(id);
  }
}

SchedulerEffects RelayDriver::ClusterTaskChanged(const RelayTask& task) {
  if (deps_.leases->Holds(task.task_id)) return scheduler_.Upsert(task);
  // Held by another node (which polls for it) or by none yet (a new task): claim now.
  ClusterPass();
  return {};
}

SchedulerEffects RelayDriver::ClusterTaskDeleted(const RelayTask& task) {
  if (!deps_.leases->Holds(task.task_id)) return {};  // its holder sends the exit callback
  SchedulerEffects effects = scheduler_.Remove(task.task_id);
  deps_.leases->Release(task.task_id);
  return effects;
}

}  // namespace liverec::relay
