#include "cluster/one_node_job.h"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <thread>

#include "testing/database_test.h"

namespace liverec::cluster {
namespace {

constexpr OneNodeJob kJob{"test job", 0x6c69766572656374};
constexpr OneNodeJob kOtherJob{"other test job", 0x6c69766572656375};

class OneNodeJobTest : public testing::DatabaseTest {};

TEST_P(OneNodeJobTest, AJobRunsWhenNobodyElseRunsItAndReleasesItsLockAfter) {
  int runs = 0;
  auto body = [&]() -> Status {
    ++runs;
    return Status::Ok();
  };
  EXPECT_EQ(RunOnOneNode(*db_, kJob, body).value(), true);
  EXPECT_EQ(RunOnOneNode(*db_, kJob, body).value(), true);
  EXPECT_EQ(runs, 2);
}

TEST_P(OneNodeJobTest, TheSameJobIsSkippedWhileItRunsButAnotherJobRuns) {
  bool inner_ran = false, other_ran = false;
  auto ran = RunOnOneNode(*db_, kJob, [&]() -> Status {
    auto again = RunOnOneNode(*db_, kJob, [&] {
      inner_ran = true;
      return Status::Ok();
    });
    EXPECT_EQ(again.value(), false);
    auto other = RunOnOneNode(*db_, kOtherJob, [&] {
      other_ran = true;
      return Status::Ok();
    });
    EXPECT_EQ(other.value(), true);
    return Status::Ok();
  });
  EXPECT_EQ(ran.value(), true);
  EXPECT_FALSE(inner_ran);
  EXPECT_TRUE(other_ran);
}

TEST_P(OneNodeJobTest, TheBodysErrorIsReturnedAndTheLockReleased) {
  auto failed = RunOnOneNode(*db_, kJob, [] { return Status(ErrorCode::kInternalError, "", "x"); });
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code(), ErrorCode::kInternalError);
  EXPECT_EQ(RunOnOneNode(*db_, kJob, [] { return Status::Ok(); }).value(), true);
}

LIVEREC_ON_BOTH_BACKENDS(OneNodeJobTest);

// PostgreSQL: two nodes, each a PostgresDatabase with its own connections, on one database.
class OneNodeJobPostgresTest : public ::testing::Test {
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

  FakeClock clock_{1'767'225'600'000};
  std::unique_ptr<testing::TestDatabase> database_;
  std::unique_ptr<metadata::SqlDatabase> nodes_[2];
};

// While one node runs the job, the other's tick skips it; once it is done, the other runs it.
TEST_F(OneNodeJobPostgresTest, AnotherNodeSkipsTheJobWhileOneRunsIt) {
  bool b_ran = false;
  auto a = RunOnOneNode(*nodes_[0], kJob, [&]() -> Status {
    auto b = RunOnOneNode(*nodes_[1], kJob, [&] {
      b_ran = true;
      return Status::Ok();
    });
    EXPECT_EQ(b.value(), false);
    return Status::Ok();
  });
  EXPECT_EQ(a.value(), true);
  EXPECT_FALSE(b_ran);
  EXPECT_EQ(RunOnOneNode(*nodes_[1], kJob, [&] { return Status::Ok(); }).value(), true);
}

// Both nodes start the job at the same moment, 50 times: every time exactly one runs it. The
// body of a winner waits until the other node's attempt has returned, so two bodies that both
// ran would overlap, and the test would see it.
TEST_F(OneNodeJobPostgresTest, TwoNodesStartingTheJobAtOnceRunItExactlyOnce) {
  constexpr int kRounds = 50;
  std::barrier start(2);
  std::atomic<int> ran[kRounds] = {};
  std::atomic<int> attempts_done[kRounds] = {};
  auto node = [&](metadata::SqlDatabase& db) {
    for (int round = 0; round < kRounds; ++round) {
      start.arrive_and_wait();
      auto result = RunOnOneNode(db, kJob, [&]() -> Status {
        ++ran[round];
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (attempts_done[round].load() == 0 && std::chrono::steady_clock::now() < deadline) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return Status::Ok();
      });
      EXPECT_TRUE(result.has_value()) << result.error().ToString();
      ++attempts_done[round];
    }
  };
  std::thread a([&] { node(*nodes_[0]); });
  std::thread b([&] { node(*nodes_[1]); });
  a.join();
  b.join();
  for (int round = 0; round < kRounds; ++round) {
    EXPECT_EQ(ran[round].load(), 1) << "round " << round;
  }
}

}  // namespace
}  // namespace liverec::cluster
