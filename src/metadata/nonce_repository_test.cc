#include "metadata/nonce_repository.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <atomic>
#include <latch>
#include <thread>

#include "metadata/postgres/postgres_database.h"
#include "testing/database_test.h"

namespace liverec::metadata {
namespace {

constexpr int64_t kWindow = 15 * 60'000;
constexpr int64_t kMinute = 60'000;

class NonceRepositoryTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    repo_ = std::make_unique<NonceRepository>(*db_, kWindow);
    ASSERT_TRUE(repo_->Prepare().ok());
  }

  // Remembers `count` new keys stamped at `at_ms` (and received then).
  void Fill(const std::string& prefix, int count, int64_t at_ms) {
    for (int i = 0; i < count; ++i) {
      ASSERT_EQ(*repo_->Remember(prefix + std::to_string(i), at_ms, at_ms), NonceVerdict::kNew);
    }
  }

  int64_t now() const { return kStartMs; }
  std::unique_ptr<NonceRepository> repo_;
};

TEST_P(NonceRepositoryTest, ANewKeyIsRememberedAndItsReplayRefused) {
  EXPECT_EQ(*repo_->Remember("k1", now(), now()), NonceVerdict::kNew);
  EXPECT_EQ(*repo_->Remember("k1", now(), now() + 1000), NonceVerdict::kReplayed);
  EXPECT_EQ(*repo_->Remember("k1", now() + 5 * kMinute, now() + 5 * kMinute),
            NonceVerdict::kReplayed);
  EXPECT_EQ(*repo_->Remember("k2", now(), now()), NonceVerdict::kNew);
  EXPECT_EQ(*repo_->CountForTest(), 2);
}

TEST_P(NonceRepositoryTest, AnExpiredRowIsReusedBeforeAnyPrune) {
  ASSERT_EQ(*repo_->Remember("k1", now(), now()), NonceVerdict::kNew);
  // Still live one minute before the window has passed over its minute...
  int64_t almost = now() + kWindow;
  EXPECT_EQ(*repo_->Remember("k1", almost, almost), NonceVerdict::kReplayed);
  // ...expired once it has: a fresh request with the same nonce is new, in the same row.
  int64_t later = now() + kWindow + kMinute;
  EXPECT_EQ(*repo_->Remember("k1", later, later), NonceVerdict::kNew);
  EXPECT_EQ(*repo_->Remember("k1", later, later), NonceVerdict::kReplayed);
  EXPECT_EQ(*repo_->CountForTest(), 1);
}

TEST_P(NonceRepositoryTest, PruneDeletesOnlyExpiredMinutes) {
  Fill("old", 3, now());
  Fill("new", 2, now() + 2 * kMinute);
  auto kept = repo_->Prune(now() + kWindow, 1000);
  ASSERT_TRUE(kept.has_value()) << kept.error().ToString();
  EXPECT_EQ(kept->deleted, 0);
  auto pruned = repo_->Prune(now() + kWindow + kMinute, 1000);
  ASSERT_TRUE(pruned.has_value());
  EXPECT_EQ(pruned->deleted, 3);
  EXPECT_EQ(pruned->live, 2);
  EXPECT_FALSE(pruned->raised_floor_ms);
  EXPECT_EQ(*repo_->CountForTest(), 2);
  EXPECT_EQ(*repo_->FloorMsForTest(), INT64_MIN);
}

TEST_P(NonceRepositoryTest, OverTheCapPruneDropsTheOldestMinutesAndRefusesRequestsBeforeThem) {
  for (int minute = 0; minute < 5; ++minute)
    Fill(fmt::format("m{}-", minute), 4, now() + minute * kMinute);
  int64_t at = now() + 5 * kMinute;
  auto pruned = repo_->Prune(at, 10);
  ASSERT_TRUE(pruned.has_value());
  // Minutes 4 and 3 (8 rows) stay; minute 2 would make 12.
  ASSERT_EQ(pruned->raised_floor_ms, now() + 3 * kMinute);
  EXPECT_EQ(pruned->deleted, 12);
  EXPECT_EQ(pruned->live, 8);
  EXPECT_EQ(*repo_->CountForTest(), 8);
  // A replay of a dropped nonce is refused by the floor; so is a new nonce stamped before it.
  EXPECT_EQ(*repo_->Remember("m0-0", now(), at), NonceVerdict::kBeforeFloor);
  EXPECT_EQ(*repo_->Remember("fresh", now() + 2 * kMinute, at), NonceVerdict::kBeforeFloor);
  EXPECT_EQ(*repo_->Remember("m3-0", now() + 3 * kMinute, at), NonceVerdict::kReplayed);
  EXPECT_EQ(*repo_->Remember("fresh", at, at), NonceVerdict::kNew);
  // The floor never goes down.
  ASSERT_TRUE(repo_->Prune(at, 1000).has_value());
  EXPECT_EQ(*repo_->FloorMsForTest(), now() + 3 * kMinute);
}

TEST_P(NonceRepositoryTest, PruneKeepsTheNewestMinuteEvenWhenItAloneIsOverTheCap) {
  Fill("a", 5, now());
  auto pruned = repo_->Prune(now(), 3);
  ASSERT_TRUE(pruned.has_value());
  EXPECT_FALSE(pruned->raised_floor_ms);
  EXPECT_EQ(*repo_->CountForTest(), 5);
}

TEST_P(NonceRepositoryTest, RememberMakesTheFloorRowWhenItIsMissing) {
  ASSERT_TRUE(db_->Execute("DELETE FROM signature_nonce_floor").has_value());
  EXPECT_EQ(*repo_->Remember("k1", now(), now()), NonceVerdict::kNew);
  EXPECT_EQ(*repo_->Remember("k1", now(), now()), NonceVerdict::kReplayed);
}

LIVEREC_ON_BOTH_BACKENDS(NonceRepositoryTest);

// Two nodes: two PostgresDatabase pools on one database.
class NonceRepositoryPostgresTest : public NonceRepositoryTest {
 protected:
  std::unique_ptr<PostgresDatabase> OpenSecondNode() {
    PostgresOptions options;
    options.url = database_->url();
    auto db = PostgresDatabase::Open(options, clock_);
    EXPECT_TRUE(db.has_value()) << db.error().ToString();
    return db ? std::move(*db) : nullptr;
  }
};

TEST_P(NonceRepositoryPostgresTest, TwoNodesRacingOnOneNonceAcceptItExactlyOnce) {
  auto second_db = OpenSecondNode();
  ASSERT_NE(second_db, nullptr);
  NonceRepository second(*second_db, kWindow);
  constexpr int kRounds = 300;
  for (int round = 0; round < kRounds; ++round) {
    std::string key = fmt::format("race-{}", round);
    std::atomic<int> accepted{0}, failed{0};
    std::latch start(2);
    auto race = [&](NonceRepository& repo) {
      start.arrive_and_wait();
      auto verdict = repo.Remember(key, now(), now());
      if (!verdict) ++failed;
      if (verdict && *verdict == NonceVerdict::kNew) ++accepted;
    };
    std::thread a(race, std::ref(*repo_));
    std::thread b(race, std::ref(second));
    a.join();
    b.join();
    ASSERT_EQ(failed.load(), 0) << "round " << round;
    ASSERT_EQ(accepted.load(), 1) << "round " << round;
  }
  EXPECT_EQ(*repo_->CountForTest(), kRounds);
}

// The floor's promise under a race: while a prune deletes a nonce's minute (and raises the floor
// past it), replays of that nonce hammer another node; none is ever accepted. Without the floor
// row read FOR SHARE, a replay that started before the prune committed could pass the old floor
// and insert once the row was deleted.
TEST_P(NonceRepositoryPostgresTest, AReplayRacingAPruneThatDropsItsMinuteIsNeverAccepted) {
  auto second_db = OpenSecondNode();
  ASSERT_NE(second_db, nullptr);
  NonceRepository second(*second_db, kWindow);
  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    int64_t old_minute = now() + round * 10 * kMinute;
    int64_t at = old_minute + 5 * kMinute;
    std::string victim = fmt::format("victim-{}", round);
    ASSERT_EQ(*repo_->Remember(victim, old_minute, at), NonceVerdict::kNew);
    // Many rows in the old minute make the prune's transaction long; one in a newer minute stays.
    ASSERT_TRUE(db_->Execute(fmt::format("INSERT INTO signature_nonces (nonce_hash, minute_ms) "
                                         "SELECT 'filler-{}-' || i, ? FROM generate_series(1, "
                                         "30000) AS i",
                                         round),
                             {old_minute})
                    .has_value());
    ASSERT_EQ(*repo_->Remember(fmt::format("new-{}", round), at, at), NonceVerdict::kNew);
    std::atomic<bool> pruned{false};
    std::atomic<int> accepted{0}, tries{0};
    std::thread replays([&] {
      bool last = false;
      while (!last) {
        last = pruned.load();
        auto verdict = second.Remember(victim, old_minute + 1000, at);
        ++tries;
        if (verdict && *verdict == NonceVerdict::kNew) ++accepted;
      }
    });
    auto result = repo_->Prune(at, 1);
    pruned = true;
    replays.join();
    ASSERT_TRUE(result.has_value()) << result.error().ToString();
    ASSERT_TRUE(result->raised_floor_ms);
    ASSERT_GT(*result->raised_floor_ms, old_minute);
    EXPECT_EQ(accepted.load(), 0) << "round " << round << ", " << tries.load() << " replays";
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, NonceRepositoryPostgresTest,
                         ::testing::Values(testing::Backend::kPostgres),
                         testing::BackendParamName());

}  // namespace
}  // namespace liverec::metadata
