#include "cluster/stream_leases.h"

#include <gtest/gtest.h>

#include "testing/database_test.h"

namespace liverec::cluster {
namespace {

constexpr int64_t kLeaseMs = 9000;

class StreamLeasesTest : public testing::DatabaseTest {
 protected:
  StreamLeases Node(const std::string& holder, const std::string& replaces = "") {
    return StreamLeases(*db_, clock_, "record", holder, kLeaseMs, replaces);
  }
  metadata::Lease Row(const std::string& name) {
    return metadata::LeaseRepository(*db_, clock_).Get({"record", name})->value();
  }
};

TEST_P(StreamLeasesTest, AStreamIsHeldByOneNodeAtATimeAndSharedByItsUsers) {
  auto n1 = Node("n1");
  auto n2 = Node("n2");
  auto first = n1.Acquire("acc/s1");
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_EQ(first->epoch, 1);
  auto second = n1.Acquire("acc/s1");  // e.g. closing a cycle while the lane records
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->epoch, 1);
  EXPECT_EQ(n2.Acquire("acc/s1").error().code(), ErrorCode::kLeaseHeld);
  n1.Release(*first);
  EXPECT_TRUE(n1.HeldHere("acc/s1"));  // one user left
  EXPECT_EQ(n2.Acquire("acc/s1").error().code(), ErrorCode::kLeaseHeld);
  n1.Release(*second);
  EXPECT_FALSE(n1.HeldHere("acc/s1"));
  EXPECT_EQ(Row("acc/s1").holder, "");
  auto taken = n2.Acquire("acc/s1");  // at once, not after the lease
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->epoch, 2);
  n1.Release(*first);  // a stale release changes nothing
  EXPECT_EQ(Row("acc/s1").holder, "n2");
}

TEST_P(StreamLeasesTest, RenewAllKeepsTheLeasesAliveAndForgetsTheOnesTakenOver) {
  auto n1 = Node("n1");
  auto n2 = Node("n2");
  ASSERT_TRUE(n1.Acquire("acc/a").has_value());
  ASSERT_TRUE(n1.Acquire("acc/b").has_value());
  for (int beat = 0; beat < 5; ++beat) {  // 15 s of beats: still n1's
    clock_.AdvanceMs(kLeaseMs / 3);
    EXPECT_TRUE(n1.RenewAll().empty());
  }
  EXPECT_EQ(n2.Acquire("acc/a").error().code(), ErrorCode::kLeaseHeld);
  clock_.AdvanceMs(kLeaseMs);  // n1 paused past its leases: n2 takes "a" over
  auto taken = n2.Acquire("acc/a");
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->epoch, 2);
  EXPECT_EQ(n1.RenewAll(), std::vector<std::string>{"acc/a"});  // "b" nobody took: renewed
  EXPECT_FALSE(n1.HeldHere("acc/a"));
  EXPECT_TRUE(n1.HeldHere("acc/b"));
  EXPECT_EQ(n1.size(), 1u);
  EXPECT_EQ(Row("acc/b").expires_at_ms, clock_.NowMs() + kLeaseMs);
  EXPECT_EQ(n1.Acquire("acc/a").error().code(), ErrorCode::kLeaseHeld);
}

TEST_P(StreamLeasesTest, AWriteRefusedForgetsTheLeaseBeforeTheHeartbeatDoes) {
  auto n1 = Node("n1");
  auto n2 = Node("n2");
  auto held = n1.Acquire("acc/a");
  ASSERT_TRUE(held.has_value());
  clock_.AdvanceMs(kLeaseMs + 1);  // n1 cut off past its lease: n2 takes it over
  auto taken = n2.Acquire("acc/a");
  ASSERT_TRUE(taken.has_value());
  // Before n1's heartbeat notices, its Acquire would hand out the stale fence again.
  EXPECT_EQ(n1.Acquire("acc/a")->epoch, 1);
  n1.Lost(*held);  // a fenced write failed with LeaseLost
  EXPECT_FALSE(n1.HeldHere("acc/a"));
  EXPECT_EQ(n1.Acquire("acc/a").error().code(), ErrorCode::kLeaseHeld);
  n1.Release(*held);  // the other user's stale fence: ignored
  n2.Release(*taken);
  auto again = n1.Acquire("acc/a");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->epoch, 3);
  n1.Lost(*held);  // an older epoch than the one held now: kept
  EXPECT_TRUE(n1.HeldHere("acc/a"));
  EXPECT_TRUE(n1.RenewAll().empty());
}

TEST_P(StreamLeasesTest, ARestartTakesOverThePreviousRunsLeasesAtOnce) {
  auto before = Node("run1");
  ASSERT_TRUE(before.Acquire("acc/s1").has_value());
  auto stranger = Node("n9");
  EXPECT_EQ(stranger.Acquire("acc/s1").error().code(), ErrorCode::kLeaseHeld);
  auto after = Node("run2", "run1");
  auto taken = after.Acquire("acc/s1");
  ASSERT_TRUE(taken.has_value()) << taken.error().ToString();
  EXPECT_EQ(taken->epoch, 2);
}

LIVEREC_ON_BOTH_BACKENDS(StreamLeasesTest);

}  // namespace
}  // namespace liverec::cluster
