#include "relay/relay_claims.h"

#include <gtest/gtest.h>

namespace liverec::relay {
namespace {

constexpr int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr int64_t kLeaseMs = 10'000;
constexpr int64_t kGraceMs = 2'000;

metadata::RelayTaskState Task(const std::string& id, int64_t status = 1,
                              int64_t created_at_ms = kNow - 60'000) {
  return {"acct", id, status, kNow + 3'600'000, 1, created_at_ms};
}

metadata::Lease Lease(const std::string& id, const std::string& holder, int64_t expires_at_ms) {
  metadata::Lease lease;
  lease.key = RelayLeaseKey("acct", id);
  lease.holder = holder;
  lease.epoch = 1;
  lease.expires_at_ms = expires_at_ms;
  return lease;
}

ClaimInputs Inputs(std::vector<metadata::RelayTaskState> tasks, std::vector<metadata::Lease> leases,
                   int64_t live_nodes) {
  ClaimInputs in;
  in.tasks = std::move(tasks);
  in.leases = std::move(leases);
  in.holder = "me";
  in.now_ms = kNow;
  in.live_nodes = live_nodes;
  in.grace_ms = kGraceMs;
  return in;
}

std::vector<std::string> Taken(const ClaimPlan& plan) {
  std::vector<std::string> ids;
  for (const auto& t : plan.take) ids.push_back(t.task_id);
  return ids;
}

TEST(RelayClaimsTest, TheLeaseOfATaskIsNamedByItsAccountAndId) {
  metadata::LeaseKey key = RelayLeaseKey("acct-1", "task-9");
  EXPECT_EQ(key.kind, "relay");
  EXPECT_EQ(key.name, "acct-1/task-9");
}

TEST(RelayClaimsTest, EveryTaskButAnExitedOneWantsAHolder) {
  for (int64_t status : {0, 1, 2, 3}) EXPECT_TRUE(WantsHolder(Task("t", status))) << status;
  EXPECT_FALSE(WantsHolder(Task("t", -1)));
}

TEST(RelayClaimsTest, ALoneNodeTakesEveryFreeTaskButNotExitedOrLiveHeldOnes) {
  ClaimPlan plan = PlanClaims(Inputs({Task("a", 0), Task("b", 3), Task("c", -1), Task("d", 1)},
                                     {Lease("d", "other", kNow + 5'000)}, 1));
  EXPECT_EQ(Taken(plan), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(plan.wanting, 3);
  EXPECT_EQ(plan.held, 0);
}

TEST(RelayClaimsTest, NewTasksSpreadOverTheLiveNodesByTheFairShare) {
  // Six new tasks, three live nodes: each takes ceil(6 / 3) = 2.
  std::vector<metadata::RelayTaskState> tasks;
  for (const char* id : {"a", "b", "c", "d", "e", "f"}) tasks.push_back(Task(id, 0, kNow));
  ClaimPlan first = PlanClaims(Inputs(tasks, {}, 3));
  EXPECT_EQ(first.fair_share, 2);
  EXPECT_EQ(Taken(first), (std::vector<std::string>{"a", "b"}));
  // The second node sees the first's two leases.
  ClaimInputs second =
      Inputs(tasks, {Lease("a", "n1", kNow + kLeaseMs), Lease("b", "n1", kNow + kLeaseMs)}, 3);
  EXPECT_EQ(Taken(PlanClaims(second)), (std::vector<std::string>{"c", "d"}));
  // A node holding its share takes no more.
  ClaimInputs full =
      Inputs(tasks, {Lease("a", "me", kNow + kLeaseMs), Lease("b", "me", kNow + kLeaseMs)}, 3);
  ClaimPlan none = PlanClaims(full);
  EXPECT_TRUE(none.take.empty());
  EXPECT_EQ(none.held, 2);
}

TEST(RelayClaimsTest, ATaskSeenFreeLongerThanTheGraceIsTakenBeyondTheFairShare) {
  // Two tasks per node on two nodes; the dead third node's two tasks lapsed. While the dead node
  // still counts live, the share is ceil(6 / 3) = 2 and this node holds 2 already.
  std::vector<metadata::RelayTaskState> tasks;
  for (const char* id : {"a", "b", "c", "d", "e", "f"}) tasks.push_back(Task(id, 1));
  std::vector<metadata::Lease> leases = {
      Lease("a", "me", kNow + kLeaseMs), Lease("b", "me", kNow + kLeaseMs),
      Lease("c", "n2", kNow + kLeaseMs), Lease("d", "n2", kNow + kLeaseMs),
      Lease("e", "dead", kNow - 1'000),  Lease("f", "dead", kNow - 1'500)};
  ClaimPlan first = PlanClaims(Inputs(tasks, leases, 3));
  EXPECT_TRUE(first.take.empty());
  EXPECT_EQ(first.free, (std::map<std::string, int64_t>{{"acct/e", kNow}, {"acct/f", kNow}}));
  // Counted dead: the share is 3, one each.
  EXPECT_EQ(Taken(PlanClaims(Inputs(tasks, leases, 2))), (std::vector<std::string>{"e"}));
  // Seen free for the grace, whoever looks first takes them.
  ClaimInputs later = Inputs(tasks, leases, 3);
  later.now_ms = kNow + kGraceMs - 1;
  later.seen_free_since = first.free;
  EXPECT_TRUE(PlanClaims(later).take.empty());
  later.now_ms = kNow + kGraceMs;
  ClaimPlan taken = PlanClaims(later);
  EXPECT_EQ(Taken(taken), (std::vector<std::string>{"e", "f"}));
  EXPECT_EQ(taken.free.at("acct/e"), kNow) << "the first sighting is kept";
}

TEST(RelayClaimsTest, ANodeThatJustStartedTakesOnlyItsShareOfOldFreeTasks) {
  // Tasks created long ago that no node holds (every node was stopped): a node that starts
  // first takes its share, and the rest only once it has seen them free for the grace.
  std::vector<metadata::RelayTaskState> tasks;
  for (const char* id : {"a", "b", "c", "d", "e", "f"})
    tasks.push_back(Task(id, 1, kNow - 86'400'000));
  std::vector<metadata::Lease> released;
  for (const char* id : {"a", "b", "c"}) released.push_back(Lease(id, "", 0));
  ClaimPlan first = PlanClaims(Inputs(tasks, released, 3));
  EXPECT_EQ(Taken(first), (std::vector<std::string>{"a", "b"}));
  ClaimInputs later = Inputs(tasks, released, 3);
  later.now_ms = kNow + kGraceMs;
  later.seen_free_since = first.free;
  EXPECT_EQ(Taken(PlanClaims(later)).size(), 6u);
}

TEST(RelayClaimsTest, TheCapPerNodeHoldsEvenForOverdueTasks) {
  std::vector<metadata::RelayTaskState> tasks = {Task("a"), Task("b"), Task("c")};
  ClaimInputs in = Inputs(tasks, {Lease("a", "me", kNow + kLeaseMs)}, 1);
  in.max_per_node = 2;
  in.now_ms = kNow + 60'000;
  EXPECT_EQ(Taken(PlanClaims(in)), (std::vector<std::string>{"b"}));
  in.max_per_node = 1;
  EXPECT_TRUE(PlanClaims(in).take.empty());
}

TEST(RelayClaimsTest, AReleasedOrLapsedLeaseIsFreeAndThePreviousRunsLeasesAreFreeAtOnce) {
  std::vector<metadata::RelayTaskState> tasks = {Task("a"), Task("b"), Task("c")};
  std::vector<metadata::Lease> leases = {Lease("a", "", 0), Lease("b", "other", kNow),
                                         Lease("c", "my-last-run", kNow + kLeaseMs)};
  ClaimInputs in = Inputs(tasks, leases, 1);
  EXPECT_EQ(Taken(PlanClaims(in)), (std::vector<std::string>{"a", "b"}));
  in.previous_holder = "my-last-run";
  EXPECT_EQ(Taken(PlanClaims(in)), (std::vector<std::string>{"c", "a", "b"}));
}

TEST(RelayClaimsTest, TasksStillHeldByThisNodeCountTowardsItsShareAndAreNotTakenAgain) {
  std::vector<metadata::RelayTaskState> tasks = {Task("a", 1, kNow), Task("b", 0, kNow)};
  // This node's own lease lapsed (it was paused) but nobody took it: still its own.
  ClaimPlan plan = PlanClaims(Inputs(tasks, {Lease("a", "me", kNow - 1)}, 2));
  EXPECT_EQ(plan.held, 1);
  EXPECT_EQ(plan.fair_share, 1);
  EXPECT_TRUE(plan.take.empty());
}

}  // namespace
}  // namespace liverec::relay
