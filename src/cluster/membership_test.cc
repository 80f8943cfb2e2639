#include "cluster/membership.h"

#include <gtest/gtest.h>

#include "testing/database_test.h"

namespace liverec::cluster {
namespace {

constexpr int64_t kLeaseMs = 9000;  // beats every 3 s

class MembershipTest : public testing::DatabaseTest {
 protected:
  std::unique_ptr<Membership> Make(const std::string& instance, const std::string& node = "n1") {
    return std::make_unique<Membership>(
        *db_, clock_, instance, NodeIdentity{node, "10.0.0.1:8080", "10.0.0.1:1935", "9.9.9"},
        kLeaseMs, [this] { return load_; });
  }

  // A Join's wait: time passes (and, when given, another node keeps beating on schedule).
  std::function<void(int64_t)> Sleeper(Membership* beating = nullptr) {
    return [this, beating](int64_t ms) {
      slept_ms_ += ms;
      for (int64_t step = 0; step < ms; step += 100) {
        clock_.AdvanceMs(std::min<int64_t>(100, ms - step));
        if (beating && (clock_.NowMs() - kStartMs) % beating->beat_interval_ms() < 100) {
          beating->Beat();
        }
      }
    };
  }

  metadata::NodeStatus Row(const std::string& node = "n1") {
    auto nodes = metadata::NodeRepository(*db_).List(clock_.NowMs());
    EXPECT_TRUE(nodes.has_value());
    for (const auto& n : nodes.value_or(std::vector<metadata::NodeStatus>{})) {
      if (n.node.node_id == node) return n;
    }
    ADD_FAILURE() << "no row for " << node;
    return {};
  }

  NodeLoad load_{3, 1};
  int64_t slept_ms_ = 0;
  std::function<void(int64_t)> no_wait_ = [](int64_t) { FAIL() << "Join waited"; };
};

TEST_P(MembershipTest, JoiningTakesTheLeaseAndRegistersTheNodeWithItsLoad) {
  auto m = Make("i1");
  ASSERT_TRUE(m->Join(no_wait_).ok());
  EXPECT_TRUE(m->Health().ok());
  EXPECT_EQ(m->epoch(), 1);
  metadata::NodeStatus row = Row();
  EXPECT_TRUE(row.live);
  EXPECT_EQ(row.holder, "i1");
  EXPECT_EQ(row.node.advertise_http, "10.0.0.1:8080");
  EXPECT_EQ(row.node.advertise_rtmp, "10.0.0.1:1935");
  EXPECT_EQ(row.node.version, "9.9.9");
  EXPECT_EQ(row.node.started_at_ms, kStartMs);
  EXPECT_EQ(row.node.live_streams, 3);
  EXPECT_EQ(row.node.relays_running, 1);
  EXPECT_EQ(row.lease_expires_at_ms, kStartMs + kLeaseMs);
}

TEST_P(MembershipTest, BeatsRenewTheLeaseAndRefreshTheLoad) {
  auto m = Make("i1");
  ASSERT_TRUE(m->Join(no_wait_).ok());
  for (int i = 0; i < 10; ++i) {
    clock_.AdvanceMs(m->beat_interval_ms());
    load_.live_streams = i;
    load_.upload_lag_ms = 1000 * i;
    m->Beat();
    EXPECT_TRUE(m->Health().ok()) << m->Health().ToString();
  }
  metadata::NodeStatus row = Row();
  EXPECT_TRUE(row.live);
  EXPECT_EQ(row.epoch, 1);
  EXPECT_EQ(row.node.live_streams, 9);
  EXPECT_EQ(row.node.upload_lag_ms, 9000);
  EXPECT_EQ(row.node.heartbeat_at_ms, clock_.NowMs());
  EXPECT_EQ(row.lease_expires_at_ms, clock_.NowMs() + kLeaseMs);
}

TEST_P(MembershipTest, HealthFailsOnceTheLeaseLapsesAndRecoversAtTheNextBeat) {
  auto m = Make("i1");
  ASSERT_TRUE(m->Join(no_wait_).ok());
  clock_.AdvanceMs(kLeaseMs - 1);
  EXPECT_TRUE(m->Health().ok());
  clock_.AdvanceMs(1);  // paused, or the database did not answer: no beat for a whole lease
  Status health = m->Health();
  EXPECT_EQ(health.code(), ErrorCode::kServiceUnavailable);
  EXPECT_NE(health.detail().find("cluster: node lease lapsed"), std::string::npos)
      << health.detail();
  EXPECT_FALSE(Row().live);  // the others count it dead
  m->Beat();                 // nobody took it: renewed at the same epoch
  EXPECT_TRUE(m->Health().ok());
  EXPECT_EQ(m->epoch(), 1);
  EXPECT_TRUE(Row().live);
}

TEST_P(MembershipTest, ASecondProcessWithTheSameNodeIdIsRefusedWhileTheFirstRenews) {
  auto first = Make("i1");
  ASSERT_TRUE(first->Join(no_wait_).ok());
  auto second = Make("i2");
  Status joined = second->Join(Sleeper(first.get()));
  EXPECT_EQ(joined.code(), ErrorCode::kNodeIdInUse) << joined.ToString();
  EXPECT_NE(joined.detail().find("node id 'n1'"), std::string::npos) << joined.detail();
  EXPECT_NE(joined.detail().find("held by i1"), std::string::npos) << joined.detail();
  EXPECT_GE(slept_ms_, kLeaseMs);  // it waited a whole lease for the first to stop renewing
  EXPECT_EQ(Row().holder, "i1");
  EXPECT_TRUE(first->Health().ok());
  EXPECT_FALSE(second->Health().ok());
}

TEST_P(MembershipTest, AProcessThatDiedLeavesItsNodeIdFreeOnceItsLeaseLapses) {
  auto crashed = Make("i1");
  ASSERT_TRUE(crashed->Join(no_wait_).ok());
  clock_.AdvanceMs(2000);
  auto restarted = Make("i2");
  Status joined = restarted->Join(Sleeper());
  ASSERT_TRUE(joined.ok()) << joined.ToString();
  EXPECT_GE(slept_ms_, kLeaseMs - 2000);
  EXPECT_LT(slept_ms_, kLeaseMs);
  EXPECT_EQ(restarted->epoch(), 2);
  EXPECT_EQ(Row().holder, "i2");
}

TEST_P(MembershipTest, ARestartAfterACrashTakesOverTheLeaseItsPreviousRunLeftAtOnce) {
  auto crashed = Make("i1");
  ASSERT_TRUE(crashed->Join(no_wait_).ok());
  auto restarted = Make("i2");
  ASSERT_TRUE(restarted->Join(no_wait_, "i1").ok());
  EXPECT_EQ(restarted->epoch(), 2);
  EXPECT_EQ(Row().holder, "i2");
  // Naming some other run as the previous one proves nothing: still refused while i2 renews.
  auto third = Make("i3");
  EXPECT_EQ(third->Join(Sleeper(restarted.get()), "i1").code(), ErrorCode::kNodeIdInUse);
}

TEST_P(MembershipTest, LeavingFreesTheNodeIdAtOnce) {
  auto first = Make("i1");
  ASSERT_TRUE(first->Join(no_wait_).ok());
  first->Leave();
  EXPECT_FALSE(Row().live);
  auto second = Make("i2");
  ASSERT_TRUE(second->Join(no_wait_).ok());
  EXPECT_EQ(second->epoch(), 2);
}

TEST_P(MembershipTest, APausedNodeWhoseLeaseWasTakenIsUnhealthyUntilItTakesItBack) {
  auto paused = Make("i1");
  ASSERT_TRUE(paused->Join(no_wait_).ok());
  clock_.AdvanceMs(kLeaseMs);
  auto other = Make("i2");
  ASSERT_TRUE(other->Join(no_wait_).ok());  // the lease had lapsed: taken at once
  load_.live_streams = 42;
  paused->Beat();  // resumed: its renewal is refused
  Status health = paused->Health();
  EXPECT_NE(health.detail().find("cluster: node lease lost"), std::string::npos) << health.detail();
  EXPECT_NE(health.detail().find("held by i2 at epoch 2"), std::string::npos) << health.detail();
  EXPECT_EQ(Row().node.live_streams, 3);  // the stale node wrote nothing
  clock_.AdvanceMs(paused->beat_interval_ms());
  paused->Beat();  // still held by the other
  EXPECT_FALSE(paused->Health().ok());
  other->Leave();
  paused->Beat();
  EXPECT_TRUE(paused->Health().ok()) << paused->Health().ToString();
  EXPECT_EQ(paused->epoch(), 3);
  EXPECT_EQ(Row().holder, "i1");
  EXPECT_EQ(Row().node.live_streams, 42);
  // The other process, were it still running, would now be refused.
  other->Beat();
  EXPECT_FALSE(other->Health().ok());
}

TEST_P(MembershipTest, NodesWithDifferentIdsJoinSideBySide) {
  auto a = Make("i1", "a"), b = Make("i2", "b");
  ASSERT_TRUE(a->Join(no_wait_).ok());
  ASSERT_TRUE(b->Join(no_wait_).ok());
  EXPECT_EQ(metadata::NodeRepository(*db_).CountLive(clock_.NowMs()).value(), 2);
  EXPECT_EQ(a->epoch(), 1);
  EXPECT_EQ(b->epoch(), 1);
}

LIVEREC_ON_BOTH_BACKENDS(MembershipTest);

}  // namespace
}  // namespace liverec::cluster
