// PostgreSQL only: the outbox claim under real concurrency, two nodes (each a PostgresDatabase
// with its own connections) draining one outbox.
#include <gtest/gtest.h>

#include <barrier>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "base/random.h"
#include "metadata/callback_outbox_repository.h"
#include "metadata/tenant_repository.h"
#include "testing/test_database.h"

namespace liverec::metadata {
namespace {

class CallbackClaimRaceTest : public ::testing::Test {
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
    OsRandom random;
    account_ = TenantRepository(database_->db(), clock_, random).EnsureAccount("a")->id;
  }

  // `count` events, all due now, ids event-0000 ... in due order.
  void AddEvents(int count) {
    CallbackOutboxRepository outbox(database_->db());
    for (int i = 0; i < count; ++i) {
      CallbackEventRow e;
      e.account_id = account_;
      e.id = fmt::format("event-{:04}", i);
      e.domain_name = "example.com";
      e.kind = "file_created";
      e.url = "http://hooks.example.net/";
      e.created_at_ms = clock_.NowMs();
      e.next_attempt_ms = clock_.NowMs() - count + i;
      ASSERT_TRUE(outbox.Insert(e).ok());
    }
  }

  Result<std::vector<CallbackEventRow>> Claim(CallbackOutboxRepository& outbox, int64_t limit) {
    int64_t now = clock_.NowMs();
    return outbox.ClaimDue(now, limit, now + 35'000, 5'000);
  }

  FakeClock clock_{1'767'225'600'000};
  std::unique_ptr<testing::TestDatabase> database_;
  std::unique_ptr<SqlDatabase> nodes_[2];
  std::string account_;
};

// Both nodes claim batches at the same moments, round after round, until the outbox is drained:
// every event is claimed exactly once.
TEST_F(CallbackClaimRaceTest, TwoNodesDrainingAtOnceNeverClaimAnEventTwice) {
  constexpr int kEvents = 600;
  AddEvents(kEvents);
  CallbackOutboxRepository a(*nodes_[0]), b(*nodes_[1]);
  constexpr int kRounds = kEvents / 14 + 8;  // 7 each per round, and rounds to spare
  std::barrier step(2);
  auto drain = [&](CallbackOutboxRepository& outbox, std::vector<std::string>& ids) {
    for (int round = 0; round < kRounds; ++round) {
      step.arrive_and_wait();
      auto claimed = Claim(outbox, 7);
      if (!claimed) {
        ADD_FAILURE() << claimed.error().ToString();
        continue;
      }
      for (const auto& e : *claimed) ids.push_back(e.id);
    }
  };
  std::vector<std::string> ids_a, ids_b;
  std::thread ta([&] { drain(a, ids_a); });
  std::thread tb([&] { drain(b, ids_b); });
  ta.join();
  tb.join();
  std::set<std::string> all(ids_a.begin(), ids_a.end());
  for (const auto& id : ids_b) {
    EXPECT_TRUE(all.insert(id).second) << id << " was claimed by both nodes";
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kEvents));
  EXPECT_GT(ids_a.size(), 0u);
  EXPECT_GT(ids_b.size(), 0u);
  std::cout << "node a claimed " << ids_a.size() << ", node b " << ids_b.size() << "\n";
}

// A claim in flight holds its rows locked until it commits: the other node's claim skips them
// rather than wait, and takes the next ones.
TEST_F(CallbackClaimRaceTest, AClaimSkipsTheRowsAnotherNodeHoldsLockedWithoutWaiting) {
  AddEvents(10);
  CallbackOutboxRepository b(*nodes_[1]);
  Status held = nodes_[0]->InTransaction([&](SqlSession& tx) -> Status {
    auto locked =
        tx.Query("SELECT id FROM callback_outbox ORDER BY next_attempt_ms, id LIMIT 4 FOR UPDATE");
    if (!locked) return locked.error();
    EXPECT_EQ(locked->size(), 4u);
    auto claim = std::async(std::launch::async, [&] { return Claim(b, 3); });
    if (claim.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      ADD_FAILURE() << "the claim waited for the locked rows";
      return Status::Ok();  // committing releases them, so the claim ends
    }
    auto claimed = claim.get();
    EXPECT_TRUE(claimed.has_value()) << claimed.error().ToString();
    std::vector<std::string> ids;
    for (const auto& e : claimed.value_or(std::vector<CallbackEventRow>{})) ids.push_back(e.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"event-0004", "event-0005", "event-0006"}));
    return Status::Ok();
  });
  ASSERT_TRUE(held.ok()) << held.ToString();
  auto rest = Claim(b, 10);
  ASSERT_TRUE(rest.has_value());
  ASSERT_EQ(rest->size(), 7u) << "the four rows once the lock is gone, and the last three";
  EXPECT_EQ((*rest)[0].id, "event-0000");
}

}  // namespace
}  // namespace liverec::metadata
