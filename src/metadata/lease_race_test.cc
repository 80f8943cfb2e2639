// PostgreSQL only: leases under real concurrency, two nodes (each a PostgresDatabase with its
// own connections) on one database.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <thread>

#include "metadata/lease_repository.h"
#include "testing/test_database.h"

namespace liverec::metadata {
namespace {

class LeaseRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = testing::TestDatabase::CreateMigrated(testing::Backend::kPostgres, clock_);
    ASSERT_TRUE(made.has_value()) << made.error().ToString();
    database_ = std::move(*made);
    for (auto& node : nodes_) {
      auto db = database_->OpenNode(clock_);
      ASSERT_TRUE(db.has_value()) << db.error().ToString();
      node = std::move(*db);
    }
  }

  // Rounds 0..rounds-1: `a` (as holder "a") and `b` (as "b") ask for the lease (kind, round) at
  // the same moment, each from a thread of its own; what each got, per round.
  static std::pair<std::vector<Result<Lease>>, std::vector<Result<Lease>>> Race(
      LeaseRepository& a, LeaseRepository& b, const std::string& kind, int rounds) {
    std::barrier start(2);
    std::vector<Result<Lease>> got_a, got_b;
    auto race = [&](LeaseRepository& leases, const std::string& holder,
                    std::vector<Result<Lease>>& out) {
      for (int i = 0; i < rounds; ++i) {
        start.arrive_and_wait();
        out.push_back(leases.Acquire({kind, std::to_string(i)}, holder, 10'000));
      }
    };
    std::thread ta([&] { race(a, "a", got_a); });
    std::thread tb([&] { race(b, "b", got_b); });
    ta.join();
    tb.join();
    return {std::move(got_a), std::move(got_b)};
  }

  FakeClock clock_{1'767'225'600'000};
  std::unique_ptr<testing::TestDatabase> database_;
  std::unique_ptr<SqlDatabase> nodes_[2];
};

// Both nodes ask for the same free lease at the same moment, 100 times over: every time exactly
// one gets it, at epoch 1, and the other is told who holds it.
TEST_F(LeaseRaceTest, TwoNodesRacingForAFreeLeaseExactlyOneWinsEveryTime) {
  constexpr int kRounds = 100;
  LeaseRepository a(*nodes_[0], clock_), b(*nodes_[1], clock_);
  auto [got_a, got_b] = Race(a, b, "race", kRounds);
  int a_wins = 0;
  for (int i = 0; i < kRounds; ++i) {
    const Result<Lease>& winner = got_a[i].has_value() ? got_a[i] : got_b[i];
    const Result<Lease>& loser = got_a[i].has_value() ? got_b[i] : got_a[i];
    a_wins += got_a[i].has_value();
    ASSERT_TRUE(winner.has_value()) << "round " << i << ": " << winner.error().ToString();
    ASSERT_FALSE(loser.has_value()) << "round " << i << ": both won";
    EXPECT_EQ(loser.error().code(), ErrorCode::kLeaseHeld) << loser.error().ToString();
    EXPECT_EQ(winner->epoch, 1);
    auto stored = a.Get({"race", std::to_string(i)});
    ASSERT_TRUE(stored.has_value() && stored->has_value());
    EXPECT_EQ((*stored)->holder, winner->holder);
    EXPECT_EQ((*stored)->epoch, 1);
  }
  std::cout << "a won " << a_wins << " of " << kRounds << " rounds\n";
}

// A lapsed lease, taken over by both nodes at once: one takes it at epoch 2, the other is
// refused, and the old holder's renewal fails.
TEST_F(LeaseRaceTest, TwoNodesRacingToTakeOverALapsedLeaseExactlyOneWins) {
  constexpr int kRounds = 50;
  LeaseRepository a(*nodes_[0], clock_), b(*nodes_[1], clock_);
  for (int i = 0; i < kRounds; ++i) {
    ASSERT_TRUE(a.Acquire({"takeover", std::to_string(i)}, "old", 1000).has_value());
  }
  clock_.AdvanceMs(1000);
  auto [got_a, got_b] = Race(a, b, "takeover", kRounds);
  for (int i = 0; i < kRounds; ++i) {
    ASSERT_NE(got_a[i].has_value(), got_b[i].has_value()) << "round " << i;
    const Result<Lease>& winner = got_a[i].has_value() ? got_a[i] : got_b[i];
    EXPECT_EQ(winner->epoch, 2);
    EXPECT_EQ(a.Renew({"takeover", std::to_string(i)}, "old", 1, 1000).error().code(),
              ErrorCode::kLeaseLost);
  }
}

// A holder paused inside a fenced transaction (its lease row locked FOR SHARE) holds up a
// takeover for at most about kLockIdleTimeoutMs: the server ends the idle transaction, whose
// write then fails, and the takeover goes through at the next epoch.
TEST_F(LeaseRaceTest, AHolderPausedInsideAFencedWriteCannotBlockATakeover) {
  LeaseRepository a(*nodes_[0], clock_), b(*nodes_[1], clock_);
  LeaseKey key{"stream", "s1"};
  ASSERT_TRUE(a.Acquire(key, "a", 1000).has_value());
  std::atomic<bool> fenced{false};
  Status paused_write;
  std::thread paused([&] {
    paused_write = nodes_[0]->InTransaction([&](SqlSession& tx) -> Status {
      LIVEREC_RETURN_IF_ERROR(a.CheckFence(tx, key, "a", 1));
      fenced = true;
      std::this_thread::sleep_for(std::chrono::seconds(4));  // "paused" with the row locked
      auto written = tx.Execute("UPDATE leases SET holder = 'stale' WHERE kind = 'stream'");
      return written ? Status::Ok() : written.error();
    });
  });
  while (!fenced) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  clock_.AdvanceMs(1000);
  auto started = std::chrono::steady_clock::now();
  auto taken = b.Acquire(key, "b", 10'000);
  auto waited = std::chrono::steady_clock::now() - started;
  paused.join();
  ASSERT_TRUE(taken.has_value()) << taken.error().ToString();
  EXPECT_EQ(taken->epoch, 2);
  EXPECT_LT(waited, std::chrono::milliseconds(3000));
  EXPECT_FALSE(paused_write.ok());
  EXPECT_EQ(a.Get(key)->value().holder, "b");
}

}  // namespace
}  // namespace liverec::metadata
