// Cycles in a cluster (docs/cluster.md "Stream ownership"): two nodes' CycleManagers over one
// database, each with its recording leases, on a fake clock. A live node's cycles are left alone;
// a dead node's are closed once, by one node, after DelayTime; a stale owner writes nothing into a
// cycle another node took over; a publisher moving to another node within DelayTime continues the
// same cycle.
#include <gtest/gtest.h>

#include "cluster/stream_leases.h"
#include "recorder/m3u8_cycle_test_fixture.h"

namespace liverec::recorder {
namespace {

constexpr int64_t kLeaseMs = 9000;

class CycleOwnershipTest : public M3u8CycleTest {
 protected:
  struct Node {
    std::unique_ptr<cluster::StreamLeases> leases;
    std::unique_ptr<CycleManager> cycles;
  };

  Node MakeNode(const std::string& holder) {
    Node node;
    node.leases = std::make_unique<cluster::StreamLeases>(*db_, clock_, "record", holder, kLeaseMs);
    node.cycles = std::make_unique<CycleManager>(
        *recordings_, [this](const std::string&, const std::string&) { return store_.get(); },
        *spool_, clock_, random_, index_files_.get());
    node.cycles->SetLeases(node.leases.get());
    return node;
  }

  RecordingPlan Plan30() {
    RecordingPlan plan = Plan();
    plan.delay_time_s = 30;
    return plan;
  }

  metadata::Fence Take(Node& node) {
    auto fence = node.leases->Acquire(RecordLeaseName(account_, stream_id_));
    EXPECT_TRUE(fence.has_value()) << fence.error().ToString();
    return fence.value_or(metadata::Fence{});
  }

  // A 1-second slice from now indexed into `cycle_id` under `fence`; the clock moves on.
  Status Slice(const std::string& cycle_id, const metadata::Fence& fence) {
    int64_t start = clock_.NowMs();
    metadata::SliceRow s{.account_id = account_,
                         .stream_id = stream_id_,
                         .start_ms = start,
                         .end_ms = start + 1000,
                         .duration_ms = 1000,
                         .endpoint = "local",
                         .bucket = "records",
                         .object_key = "rec/s1/" + std::to_string(start) + ".ts",
                         .cycle_id = cycle_id};
    clock_.AdvanceMs(1000);
    LIVEREC_RETURN_IF_ERROR(recordings_->InsertSlice(s, &fence));
    return recordings_->TouchCycle(account_, cycle_id, start, start + 1000, start, &fence);
  }

  size_t CycleSlices(const std::string& cycle_id) {
    return recordings_->ListCycleSlices(account_, cycle_id)->size();
  }
};

TEST_F(CycleOwnershipTest, ALiveNodesCycleIsLeftAloneAndADeadNodesIsClosedOnceAfterDelayTime) {
  Node a = MakeNode("A");
  Node b = MakeNode("B");
  Node c = MakeNode("C");
  metadata::Fence fence = Take(a);
  auto cycle = a.cycles->Attach(Plan30(), "m3u8", clock_.NowMs(), &fence);
  ASSERT_TRUE(cycle.has_value()) << cycle.error().ToString();
  ASSERT_TRUE(Slice(cycle->id, fence).ok());
  // A keeps beating but sends nothing for longer than DelayTime (a stalled encoder): its own.
  for (int beat = 0; beat < 15; ++beat) {
    clock_.AdvanceMs(kLeaseMs / 3);
    EXPECT_TRUE(a.leases->RenewAll().empty());
    ASSERT_TRUE(b.cycles->CloseExpired().ok());
  }
  EXPECT_EQ(Cycle(cycle->id).state, metadata::CycleState::kOpen);
  EXPECT_TRUE(Playlists().empty());
  // A dies: once its lease lapses, one node closes the cycle it left live.
  clock_.AdvanceMs(kLeaseMs);
  ASSERT_TRUE(b.cycles->CloseExpired().ok());
  ASSERT_TRUE(c.cycles->CloseExpired().ok());
  EXPECT_EQ(Cycle(cycle->id).state, metadata::CycleState::kClosed);
  EXPECT_EQ(Playlists().size(), 1u);
  EXPECT_EQ(index_files_->Find(account_, stream_id_, cycle->id)->has_value(), true);
  EXPECT_FALSE(b.leases->HeldHere(RecordLeaseName(account_, stream_id_)));  // let go after
}

TEST_F(CycleOwnershipTest, ADeadNodesCycleWaitsItsDelayTimeFromItsLastActivity) {
  Node a = MakeNode("A");
  Node b = MakeNode("B");
  metadata::Fence fence = Take(a);
  auto cycle = a.cycles->Attach(Plan30(), "m3u8", clock_.NowMs(), &fence);
  ASSERT_TRUE(cycle.has_value());
  ASSERT_TRUE(Slice(cycle->id, fence).ok());
  clock_.AdvanceMs(kLeaseMs + 1);  // A's lease lapsed, DelayTime (30 s) not yet
  ASSERT_TRUE(b.cycles->CloseExpired().ok());
  EXPECT_EQ(Cycle(cycle->id).state, metadata::CycleState::kOpen);
  clock_.AdvanceMs(21'000);
  ASSERT_TRUE(b.cycles->CloseExpired().ok());
  EXPECT_EQ(Cycle(cycle->id).state, metadata::CycleState::kClosed);
}

TEST_F(CycleOwnershipTest, AStaleOwnerWritesNothingIntoACycleAnotherNodeTookOver) {
  Node a = MakeNode("A");
  Node b = MakeNode("B");
  metadata::Fence stale = Take(a);
  auto cycle = a.cycles->Attach(Plan30(), "m3u8", clock_.NowMs(), &stale);
  ASSERT_TRUE(cycle.has_value());
  ASSERT_TRUE(Slice(cycle->id, stale).ok());
  ASSERT_TRUE(Slice(cycle->id, stale).ok());
  clock_.AdvanceMs(kLeaseMs);  // A paused past its lease; its publisher moved to B
  metadata::Fence fence = Take(b);
  EXPECT_EQ(fence.epoch, stale.epoch + 1);
  auto claimed = b.cycles->BeginPublish(Plan30(), clock_.NowMs(), &fence);
  ASSERT_TRUE(claimed.has_value()) << claimed.error().ToString();
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().id, cycle->id);  // B continues the cycle
  ASSERT_TRUE(Slice(cycle->id, fence).ok());
  // A wakes up and goes on where it was: every write it tries is refused.
  EXPECT_EQ(Slice(cycle->id, stale).code(), ErrorCode::kLeaseLost);
  EXPECT_EQ(a.cycles->Detach(account_, cycle->id, &stale).code(), ErrorCode::kLeaseLost);
  EXPECT_EQ(a.cycles->CloseStreamNow(account_, stream_id_).code(), ErrorCode::kLeaseLost);
  // Its next heartbeat tells it the lease is gone; then it is refused before writing at all.
  EXPECT_EQ(a.leases->RenewAll(), std::vector<std::string>{RecordLeaseName(account_, stream_id_)});
  EXPECT_EQ(a.cycles->CloseStreamNow(account_, stream_id_).code(), ErrorCode::kLeaseHeld);
  EXPECT_EQ(CycleSlices(cycle->id), 3u);
  EXPECT_TRUE(Cycle(cycle->id).live);
  EXPECT_TRUE(Playlists().empty());  // the playlist its close stored was deleted again
  EXPECT_EQ(Cycle(cycle->id).state, metadata::CycleState::kOpen);
}

TEST_F(CycleOwnershipTest, APublisherMovingToAnotherNodeWithinDelayTimeContinuesTheSameCycle) {
  Node a = MakeNode("A");
  Node b = MakeNode("B");
  metadata::Fence on_a = Take(a);
  auto cycle = a.cycles->Attach(Plan30(), "m3u8", clock_.NowMs(), &on_a);
  ASSERT_TRUE(cycle.has_value());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Slice(cycle->id, on_a).ok());
  ASSERT_TRUE(a.cycles->Detach(account_, cycle->id, &on_a).ok());
  a.leases->Release(on_a);
  clock_.AdvanceMs(5000);
  metadata::Fence on_b = Take(b);
  auto claimed = b.cycles->BeginPublish(Plan30(), clock_.NowMs(), &on_b);
  ASSERT_TRUE(claimed.has_value());
  ASSERT_EQ(claimed->size(), 1u);
  auto attached = b.cycles->Attach(Plan30(), "m3u8", clock_.NowMs(), &on_b);
  ASSERT_TRUE(attached.has_value());
  EXPECT_EQ(attached->id, cycle->id);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(Slice(cycle->id, on_b).ok());
  ASSERT_TRUE(b.cycles->Detach(account_, cycle->id, &on_b).ok());
  b.leases->Release(on_b);
  clock_.AdvanceMs(31'000);
  ASSERT_TRUE(a.cycles->CloseExpired().ok());
  ASSERT_TRUE(b.cycles->CloseExpired().ok());
  EXPECT_EQ(Cycle(cycle->id).state, metadata::CycleState::kClosed);
  EXPECT_EQ(CycleSlices(cycle->id), 5u);
  EXPECT_EQ(Playlists().size(), 1u);
}

TEST_F(CycleOwnershipTest, ANodeDoesNotCloseACycleItsOwnPublisherStillFeeds) {
  Node a = MakeNode("A");
  metadata::Fence fence = Take(a);
  auto cycle = a.cycles->Attach(Plan30(), "m3u8", clock_.NowMs(), &fence);
  ASSERT_TRUE(cycle.has_value());
  clock_.AdvanceMs(60'000);
  EXPECT_TRUE(a.leases->RenewAll().empty());
  ASSERT_TRUE(a.cycles->CloseExpired().ok());
  EXPECT_EQ(Cycle(cycle->id).state, metadata::CycleState::kOpen);
  EXPECT_TRUE(a.leases->HeldHere(RecordLeaseName(account_, stream_id_)));
}

}  // namespace
}  // namespace liverec::recorder
