#include "metadata/lease_repository.h"

#include <gtest/gtest.h>

#include "metadata/node_repository.h"
#include "testing/database_test.h"

namespace liverec::metadata {
namespace {

constexpr int64_t kLeaseMs = 10'000;

class LeaseRepositoryTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    leases_ = std::make_unique<LeaseRepository>(*db_, clock_);
  }

  // A write fenced by (holder, epoch): a node row named `node_id`, as a caller would write.
  Status FencedWrite(const std::string& holder, int64_t epoch, const std::string& node_id) {
    return db_->InTransaction([&](SqlSession& tx) -> Status {
      LIVEREC_RETURN_IF_ERROR(leases_->CheckFence(tx, key_, holder, epoch));
      return NodeRepository::Save(tx, NodeRow{.node_id = node_id});
    });
  }

  int64_t NodeRows() { return AsInt(db_->Query("SELECT COUNT(*) FROM nodes")->at(0).at(0)); }

  LeaseKey key_{"stream", "acc/example.com/live/s1"};
  std::unique_ptr<LeaseRepository> leases_;
};

TEST_P(LeaseRepositoryTest, AFreeLeaseIsTakenAtEpochOneUntilNowPlusTheDuration) {
  auto lease = leases_->Acquire(key_, "n1", kLeaseMs);
  ASSERT_TRUE(lease.has_value()) << lease.error().ToString();
  EXPECT_EQ(lease->holder, "n1");
  EXPECT_EQ(lease->epoch, 1);
  EXPECT_EQ(lease->expires_at_ms, kStartMs + kLeaseMs);
  EXPECT_EQ(lease->acquired_at_ms, kStartMs);
  auto stored = leases_->Get(key_);
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_EQ((*stored)->holder, "n1");
  EXPECT_EQ((*stored)->epoch, 1);
  EXPECT_TRUE((*stored)->Live(clock_.NowMs()));
}

TEST_P(LeaseRepositoryTest, AnotherHolderIsRefusedUntilTheLeaseExpiresThenTakesItAtTheNextEpoch) {
  ASSERT_TRUE(leases_->Acquire(key_, "n1", kLeaseMs).has_value());
  clock_.AdvanceMs(kLeaseMs - 1);
  auto refused = leases_->Acquire(key_, "n2", kLeaseMs);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kLeaseHeld);
  EXPECT_NE(refused.error().detail().find("held by n1 at epoch 1"), std::string::npos)
      << refused.error().detail();
  clock_.AdvanceMs(1);
  auto taken = leases_->Acquire(key_, "n2", kLeaseMs);
  ASSERT_TRUE(taken.has_value()) << taken.error().ToString();
  EXPECT_EQ(taken->holder, "n2");
  EXPECT_EQ(taken->epoch, 2);
  EXPECT_EQ(taken->acquired_at_ms, clock_.NowMs());
}

TEST_P(LeaseRepositoryTest, AHolderKnownToBeGoneIsReplacedAtOnceAndOnlyThatHolder) {
  ASSERT_TRUE(leases_->Acquire(key_, "run-1", kLeaseMs).has_value());
  // Another holder naming the wrong predecessor is refused while the lease is live.
  EXPECT_EQ(leases_->Acquire(key_, "run-2", kLeaseMs, "run-0").error().code(),
            ErrorCode::kLeaseHeld);
  auto taken = leases_->Acquire(key_, "run-2", kLeaseMs, "run-1");
  ASSERT_TRUE(taken.has_value()) << taken.error().ToString();
  EXPECT_EQ(taken->holder, "run-2");
  EXPECT_EQ(taken->epoch, 2);
  EXPECT_EQ(leases_->Renew(key_, "run-1", 1, kLeaseMs).error().code(), ErrorCode::kLeaseLost);
  EXPECT_EQ(FencedWrite("run-1", 1, "x").code(), ErrorCode::kLeaseLost);
}

TEST_P(LeaseRepositoryTest, TheHolderRenewsAndReacquiresWithoutMovingTheEpoch) {
  ASSERT_TRUE(leases_->Acquire(key_, "n1", kLeaseMs).has_value());
  clock_.AdvanceMs(3000);
  auto renewed = leases_->Renew(key_, "n1", 1, kLeaseMs);
  ASSERT_TRUE(renewed.has_value()) << renewed.error().ToString();
  EXPECT_EQ(renewed->epoch, 1);
  EXPECT_EQ(renewed->expires_at_ms, clock_.NowMs() + kLeaseMs);
  EXPECT_EQ(renewed->acquired_at_ms, kStartMs);
  clock_.AdvanceMs(3000);
  auto again = leases_->Acquire(key_, "n1", kLeaseMs);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->epoch, 1);
  EXPECT_EQ(again->expires_at_ms, clock_.NowMs() + kLeaseMs);
  // Renewal pushes the expiry: another holder is still refused after the first lease's end.
  clock_.AdvanceMs(kLeaseMs - 1);
  EXPECT_FALSE(leases_->Acquire(key_, "n2", kLeaseMs).has_value());
}

TEST_P(LeaseRepositoryTest, AStaleHolderCannotRenewOnceAnotherTookTheLeaseOver) {
  ASSERT_TRUE(leases_->Acquire(key_, "n1", kLeaseMs).has_value());
  clock_.AdvanceMs(kLeaseMs);  // n1 paused past its lease
  ASSERT_TRUE(leases_->Acquire(key_, "n2", kLeaseMs).has_value());
  auto renewed = leases_->Renew(key_, "n1", 1, kLeaseMs);
  ASSERT_FALSE(renewed.has_value());
  EXPECT_EQ(renewed.error().code(), ErrorCode::kLeaseLost);
  EXPECT_NE(
      renewed.error().detail().find("now stream/acc/example.com/live/s1 held by n2 at epoch 2"),
      std::string::npos)
      << renewed.error().detail();
  auto stored = leases_->Get(key_);
  EXPECT_EQ((*stored)->holder, "n2");  // the failed renewal changed nothing
  EXPECT_EQ((*stored)->expires_at_ms, clock_.NowMs() + kLeaseMs);
}

TEST_P(LeaseRepositoryTest, AStaleEpochFailsEvenForTheSameHolderName) {
  ASSERT_TRUE(leases_->Acquire(key_, "n1", kLeaseMs).has_value());
  ASSERT_TRUE(leases_->Release(key_, "n1", 1).value());
  ASSERT_EQ(leases_->Acquire(key_, "n1", kLeaseMs)->epoch, 2);
  EXPECT_EQ(leases_->Renew(key_, "n1", 1, kLeaseMs).error().code(), ErrorCode::kLeaseLost);
  EXPECT_EQ(FencedWrite("n1", 1, "x").code(), ErrorCode::kLeaseLost);
  EXPECT_TRUE(FencedWrite("n1", 2, "x").ok());
}

TEST_P(LeaseRepositoryTest, AFencedWriteLandsForTheHolderAndNotForAStaleOne) {
  ASSERT_TRUE(leases_->Acquire(key_, "n1", kLeaseMs).has_value());
  Status written = FencedWrite("n1", 1, "by-n1");
  EXPECT_TRUE(written.ok()) << written.ToString();
  clock_.AdvanceMs(kLeaseMs);
  ASSERT_EQ(leases_->Acquire(key_, "n2", kLeaseMs)->epoch, 2);
  Status stale = FencedWrite("n1", 1, "by-stale-n1");
  EXPECT_EQ(stale.code(), ErrorCode::kLeaseLost) << stale.ToString();
  EXPECT_EQ(NodeRows(), 1);  // the stale write was rolled back with its transaction
  EXPECT_TRUE(FencedWrite("n2", 2, "by-n2").ok());
  EXPECT_EQ(NodeRows(), 2);
}

TEST_P(LeaseRepositoryTest, ALapsedLeaseNobodyTookStillFencesForItsHolder) {
  ASSERT_TRUE(leases_->Acquire(key_, "n1", kLeaseMs).has_value());
  clock_.AdvanceMs(kLeaseMs + 5000);
  EXPECT_FALSE(leases_->Get(key_)->value().Live(clock_.NowMs()));
  EXPECT_TRUE(FencedWrite("n1", 1, "late").ok());
  auto renewed = leases_->Renew(key_, "n1", 1, kLeaseMs);
  ASSERT_TRUE(renewed.has_value());
  EXPECT_EQ(renewed->epoch, 1);
  EXPECT_TRUE(renewed->Live(clock_.NowMs()));
}

TEST_P(LeaseRepositoryTest, AReleasedLeaseIsTakenByAnotherAtOnce) {
  ASSERT_TRUE(leases_->Acquire(key_, "n1", kLeaseMs).has_value());
  EXPECT_FALSE(leases_->Release(key_, "n2", 1).value());  // not n2's to release
  EXPECT_FALSE(leases_->Release(key_, "n1", 7).value());  // not at that epoch
  EXPECT_TRUE(leases_->Release(key_, "n1", 1).value());
  EXPECT_FALSE(leases_->Get(key_)->value().Live(clock_.NowMs()));
  auto taken = leases_->Acquire(key_, "n2", kLeaseMs);
  ASSERT_TRUE(taken.has_value()) << taken.error().ToString();
  EXPECT_EQ(taken->epoch, 2);
  EXPECT_EQ(FencedWrite("n1", 1, "x").code(), ErrorCode::kLeaseLost);
  EXPECT_EQ(leases_->Renew(key_, "n1", 1, kLeaseMs).error().code(), ErrorCode::kLeaseLost);
}

TEST_P(LeaseRepositoryTest, RenewingOrFencingALeaseThatNeverExistedIsLost) {
  EXPECT_EQ(leases_->Renew(key_, "n1", 1, kLeaseMs).error().code(), ErrorCode::kLeaseLost);
  EXPECT_EQ(FencedWrite("n1", 1, "x").code(), ErrorCode::kLeaseLost);
  EXPECT_FALSE(leases_->Get(key_)->has_value());
}

TEST_P(LeaseRepositoryTest, RenewAllOfExtendsEveryLeaseOfTheKindTheHolderStillHolds) {
  ASSERT_TRUE(leases_->Acquire({"record", "a"}, "n1", kLeaseMs).has_value());
  ASSERT_TRUE(leases_->Acquire({"record", "b"}, "n1", kLeaseMs).has_value());
  ASSERT_TRUE(leases_->Acquire({"record", "c"}, "n1", kLeaseMs).has_value());
  ASSERT_TRUE(leases_->Acquire({"record", "d"}, "n2", kLeaseMs).has_value());
  ASSERT_TRUE(leases_->Acquire({"publish", "a"}, "n1", kLeaseMs).has_value());
  ASSERT_TRUE(leases_->Release({"record", "b"}, "n1", 1).value());
  clock_.AdvanceMs(kLeaseMs + 1);  // "c" lapsed: n2 takes it over; "a" lapsed, nobody took it
  ASSERT_EQ(leases_->Acquire({"record", "c"}, "n2", kLeaseMs)->epoch, 2);
  auto renewed = leases_->RenewAllOf("record", "n1", kLeaseMs);
  ASSERT_TRUE(renewed.has_value()) << renewed.error().ToString();
  EXPECT_EQ(*renewed, std::vector<std::string>{"a"});
  auto a = leases_->Get({"record", "a"})->value();
  EXPECT_EQ(a.epoch, 1);
  EXPECT_EQ(a.expires_at_ms, clock_.NowMs() + kLeaseMs);
  EXPECT_EQ(leases_->Get({"record", "c"})->value().holder, "n2");
  EXPECT_FALSE(leases_->Get({"publish", "a"})->value().Live(clock_.NowMs()));  // another kind
  EXPECT_TRUE(leases_->RenewAllOf("record", "nobody", kLeaseMs)->empty());
}

TEST_P(LeaseRepositoryTest, FencedWriteRunsUnfencedWithoutAFenceAndChecksTheFenceWithOne) {
  auto write = [&](const std::string& id) {
    return [id](SqlSession& tx) { return NodeRepository::Save(tx, NodeRow{.node_id = id}); };
  };
  EXPECT_TRUE(metadata::FencedWrite(*db_, nullptr, write("free")).ok());
  ASSERT_TRUE(leases_->Acquire(key_, "n1", kLeaseMs).has_value());
  Fence n1{key_, "n1", 1};
  EXPECT_TRUE(metadata::FencedWrite(*db_, &n1, write("fenced")).ok());
  clock_.AdvanceMs(kLeaseMs);
  ASSERT_TRUE(leases_->Acquire(key_, "n2", kLeaseMs).has_value());
  EXPECT_EQ(metadata::FencedWrite(*db_, &n1, write("stale")).code(), ErrorCode::kLeaseLost);
  EXPECT_EQ(NodeRows(), 2);
}

TEST_P(LeaseRepositoryTest, LeasesOfAKindAreListedByNameAndKindsStayApart) {
  ASSERT_TRUE(leases_->Acquire({"node", "n2"}, "p2", kLeaseMs).has_value());
  ASSERT_TRUE(leases_->Acquire({"node", "n1"}, "p1", kLeaseMs).has_value());
  ASSERT_TRUE(leases_->Acquire({"relay", "n1"}, "p9", kLeaseMs).has_value());
  auto nodes = leases_->List("node");
  ASSERT_TRUE(nodes.has_value());
  ASSERT_EQ(nodes->size(), 2u);
  EXPECT_EQ((*nodes)[0].key.name, "n1");
  EXPECT_EQ((*nodes)[0].holder, "p1");
  EXPECT_EQ((*nodes)[1].holder, "p2");
  EXPECT_EQ(leases_->Get({"relay", "n1"})->value().epoch, 1);
}

TEST_P(LeaseRepositoryTest, NodesAreListedWithTheirLeaseAndCountedLiveUntilItLapses) {
  NodeRepository nodes(*db_);
  ASSERT_TRUE(leases_->Acquire({"node", "a"}, "pa", kLeaseMs).has_value());
  ASSERT_TRUE(NodeRepository::Save(*db_, {"a", "10.0.0.1:8080", "10.0.0.1:1935", "1.2.3", kStartMs,
                                          kStartMs, 4, 1, 2500})
                  .ok());
  clock_.AdvanceMs(5000);
  ASSERT_TRUE(leases_->Acquire({"node", "b"}, "pb", kLeaseMs).has_value());
  ASSERT_TRUE(NodeRepository::Save(*db_, {"b", "h:1", "h:2", "1.2.3", 0, 0, 0, 0}).ok());
  ASSERT_TRUE(NodeRepository::Save(*db_, {"c", "h:3", "h:4", "1.2.3", 0, 0, 0, 0}).ok());
  EXPECT_EQ(nodes.CountLive(clock_.NowMs()).value(), 2);
  clock_.AdvanceMs(5000);  // a's lease lapses
  auto listed = nodes.List(clock_.NowMs());
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  ASSERT_EQ(listed->size(), 3u);
  const NodeStatus& a = (*listed)[0];
  EXPECT_EQ(a.node.advertise_http, "10.0.0.1:8080");
  EXPECT_EQ(a.node.live_streams, 4);
  EXPECT_EQ(a.node.relays_running, 1);
  EXPECT_EQ(a.node.upload_lag_ms, 2500);
  EXPECT_EQ(a.holder, "pa");
  EXPECT_FALSE(a.live);
  EXPECT_TRUE((*listed)[1].live);
  EXPECT_EQ((*listed)[1].epoch, 1);
  EXPECT_FALSE((*listed)[2].live);  // no lease at all
  EXPECT_EQ((*listed)[2].holder, "");
  EXPECT_EQ(nodes.CountLive(clock_.NowMs()).value(), 1);
}

TEST_P(LeaseRepositoryTest, NodesAreListedWithTheUnexpiredLeasesTheirProcessHolds) {
  NodeRepository nodes(*db_);
  ASSERT_TRUE(leases_->Acquire({"node", "a"}, "pa", kLeaseMs).has_value());
  ASSERT_TRUE(leases_->Acquire({"node", "b"}, "pb", kLeaseMs).has_value());
  for (auto id : {"a", "b"}) {
    ASSERT_TRUE(NodeRepository::Save(*db_, NodeRow{.node_id = id}).ok());
  }
  ASSERT_TRUE(leases_->Acquire({"publish", "d/live/s1"}, "pa", kLeaseMs).has_value());
  ASSERT_TRUE(leases_->Acquire({"publish", "d/live/s2"}, "pa", kLeaseMs).has_value());
  ASSERT_TRUE(leases_->Acquire({"record", "d/live/s1"}, "pa", kLeaseMs).has_value());
  ASSERT_TRUE(leases_->Acquire({"relay", "t1"}, "pb", kLeaseMs).has_value());
  ASSERT_TRUE(leases_->Acquire({"relay", "t2"}, "pb", kLeaseMs / 2).has_value());
  clock_.AdvanceMs(kLeaseMs / 2);  // t2 lapses
  auto listed = nodes.List(clock_.NowMs());
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  ASSERT_EQ(listed->size(), 2u);
  std::map<std::string, int64_t> a{{"publish", 2}, {"record", 1}}, b{{"relay", 1}};
  EXPECT_EQ((*listed)[0].leases_held, a);
  EXPECT_EQ((*listed)[1].leases_held, b);
}

LIVEREC_ON_BOTH_BACKENDS(LeaseRepositoryTest);

}  // namespace
}  // namespace liverec::metadata
