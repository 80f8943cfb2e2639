// RelayLeases: the leases this node holds on relay tasks in cluster mode (docs/cluster.md
// "Relay tasks"), one per task, ('relay', <account>/<task id>), all under this node's holder
// string. The relay driver asks it to renew them all (one statement, LeaseRepository::RenewAllOf),
// to take the free tasks the claim rule gives it (relay_claims.h), for the fence of every write
// of a held task's row, and to release a task it is done with.
//
// A lease found lost (another node took it over after this one was paused or cut off from the
// database) is dropped and its task id returned, so the driver stops the relay without writing.
// When renewing fails (the database does not answer) past the expiry of the last renewal, every
// lease counts as lost: another node may take the tasks from then on.
// Thread-safety: not thread-safe; the relay driver's executor calls it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/clock.h"
#include "metadata/lease_repository.h"
#include "metadata/relay_task_repository.h"

namespace liverec::relay {

struct RelayLeaseOptions {
  std::string holder;           // this process (the node's membership holder)
  std::string previous_holder;  // this node's previous run, known to be gone ("" = none)
  int64_t lease_ms = 10'000;
  int64_t max_per_node = 0;             // 0: no cap
  int64_t grace_ms = 2'000;             // see relay_claims.h
  std::function<int64_t()> live_nodes;  // nodes whose membership lease is live (>= 1)
};

class RelayLeases {
 public:
  RelayLeases(metadata::LeaseRepository& leases, const Clock& clock, RelayLeaseOptions options);

  // Renews every lease this node holds; returns the ids of the held tasks whose lease is lost
  // (they are no longer held). Leases of this holder that it does not track are released.
  std::vector<std::string> Renew();
  // Takes the free tasks of `tasks` that the claim rule gives this node; returns those taken.
  std::vector<metadata::RelayTaskState> Claim(const std::vector<metadata::RelayTaskState>& tasks);

  bool Holds(const std::string& task_id) const { return held_.count(task_id) > 0; }
  std::vector<std::string> HeldIds() const;
  size_t size() const { return held_.size(); }
  // The fence of a write of the task's row: its lease at the epoch this node holds it (one that
  // never passes when this node does not hold it).
  metadata::Fence FenceOf(const std::string& task_id) const;
  // Frees the task's lease so that another node may take it at once.
  void Release(const std::string& task_id);
  // Forgets a lease found lost, without writing.
  void Drop(const std::string& task_id) { held_.erase(task_id); }
  // At shutdown: frees every lease.
  void ReleaseAll();

  const RelayLeaseOptions& options() const { return options_; }

 private:
  void ReleaseUntracked(const std::string& lease_name);

  struct Held {
    std::string account_id;
    int64_t epoch = 0;
  };

  metadata::LeaseRepository& leases_;
  const Clock& clock_;
  RelayLeaseOptions options_;
  std::map<std::string, Held> held_;                // by task id
  std::map<std::string, int64_t> seen_free_since_;  // by lease name (relay_claims.h)
  int64_t held_until_ms_ = 0;  // the expiry of the last renewal (or acquisition)
};

}  // namespace liverec::relay
