// Which relay tasks a node of a cluster takes (docs/cluster.md "Relay tasks"): the pure decision
// of the claim loop. Every node runs the loop; each task that wants a holder (any status but
// exited) is held under the lease ('relay', <account>/<task id>) by one node, which alone runs
// it. A node takes tasks nobody holds — new ones, released ones, and those whose holder let its
// lease lapse (it died) — within two limits:
//   spread    while it holds fewer than ceil(tasks wanting a holder / live nodes), so that the
//             tasks spread over the live nodes as they are created and taken over;
//   cap       never more than max_per_node (0: no cap).
// A task this node has seen free for longer than `grace` (the nodes whose share it is do not
// take it: they are at their cap, or the count of live nodes still includes one that died) is
// taken by any node under its cap, so that a dead node's tasks resume within lease + grace + one
// pass. How long a task has been free is what this node saw (the caller keeps when it first saw
// each free, ClaimPlan::free): the database cannot say for tasks never held or released at a
// shutdown, and a node that just started must not take every old task at once. Tasks are taken
// in the order they were first seen free (longest first); those of this node's previous run
// first of all.
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "metadata/lease_repository.h"
#include "metadata/relay_task_repository.h"

namespace liverec::relay {

inline constexpr std::string_view kRelayLeaseKind = "relay";

// The lease a task is held under: ('relay', "<account id>/<task id>").
metadata::LeaseKey RelayLeaseKey(const std::string& account_id, const std::string& task_id);

// Whether a task in this state needs a holder: every status but exited (-1). An offline task is
// held too, so that its EndTime exit and a user's delete or restart reach one node.
bool WantsHolder(const metadata::RelayTaskState& task);

struct ClaimInputs {
  std::vector<metadata::RelayTaskState> tasks;
  std::vector<metadata::Lease> leases;  // kind 'relay', any order; a task may have none yet
  std::string holder;                   // this node's lease holder
  // A holder known to be gone (this node's previous run, which crashed): its leases are free.
  std::string previous_holder;
  int64_t now_ms = 0;
  int64_t live_nodes = 1;    // counted by their membership leases (at least this one)
  int64_t max_per_node = 0;  // 0: no cap
  int64_t grace_ms = 0;      // a task free this long is taken by any node under its cap
  // When this node first saw each task free, by lease name (absent: now, first seen).
  std::map<std::string, int64_t> seen_free_since;
};

struct ClaimPlan {
  std::vector<metadata::RelayTaskState> take;  // to acquire, in this order
  int64_t wanting = 0;                         // tasks wanting a holder
  int64_t held = 0;                            // of them, held by this node
  int64_t fair_share = 0;                      // ceil(wanting / live nodes)
  // Every free task's lease name, with when this node first saw it free (to pass back).
  std::map<std::string, int64_t> free;
};

ClaimPlan PlanClaims(const ClaimInputs& in);

}  // namespace liverec::relay
