// The Deliverer on PostgreSQL, where a round claims its whole batch at once
// (CallbackOutboxRepository::ClaimDue): the batch goes out in order, and an event whose turn
// comes too late to finish within its lease is given back rather than sent.
#include <gtest/gtest.h>

#include "callbacks/deliverer.h"
#include "callbacks/outbox.h"
#include "metadata/tenant_repository.h"
#include "testing/test_database.h"

namespace liverec::callbacks {
namespace {

constexpr int64_t kTimeoutMs = 5000;

// Answers 200 and records the event id of every request; each attempt takes `attempt_ms` of the
// fake clock.
class SlowSender final : public HttpSender {
 public:
  explicit SlowSender(FakeClock& clock) : clock_(clock) {}
  Result<net::HttpClientResponse> Send(const net::HttpClientRequest& request) override {
    ids.push_back(request.headers.at(std::string(kEventIdHeader)));
    clock_.AdvanceMs(attempt_ms);
    return net::HttpClientResponse{200, "ok"};
  }
  int64_t attempt_ms = 10;
  std::vector<std::string> ids;

 private:
  FakeClock& clock_;
};

class DelivererBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = liverec::testing::TestDatabase::CreateMigrated(liverec::testing::Backend::kPostgres,
                                                               clock_);
    ASSERT_TRUE(made.has_value()) << made.error().ToString();
    database_ = std::move(*made);
    account_ = metadata::TenantRepository(database_->db(), clock_, random_).EnsureAccount("a")->id;
    repo_ = std::make_unique<metadata::CallbackOutboxRepository>(database_->db());
    outbox_ = std::make_unique<Outbox>(*repo_, clock_, random_);
    DeliveryOptions options;
    options.retry = RetryPolicy{1000, 8000, 5, 60'000};
    options.timeout_ms = kTimeoutMs;
    deliverer_ = std::make_unique<Deliverer>(*repo_, sender_, clock_, options);
  }

  std::string Enqueue() {
    clock_.AdvanceMs(1);
    CallbackEvent e{
        account_, "example.com", "live", "s1", "record_started", "http://hooks.example.net/cb",
        "POST",   "{}",          ""};
    auto id = outbox_->Enqueue(e);
    EXPECT_TRUE(id.has_value());
    return id.value_or("");
  }

  metadata::CallbackEventRow Row(const std::string& id) {
    return *repo_->Find(account_, id).value();
  }

  FakeClock clock_{1'767'225'600'000};
  OsRandom random_;
  SlowSender sender_{clock_};
  std::unique_ptr<liverec::testing::TestDatabase> database_;
  std::string account_;
  std::unique_ptr<metadata::CallbackOutboxRepository> repo_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<Deliverer> deliverer_;
};

TEST_F(DelivererBatchTest, ABatchIsClaimedAtOnceAndSentInTheOrderOfEnqueueing) {
  ASSERT_TRUE(repo_->ClaimsInBatches());
  std::vector<std::string> ids{Enqueue(), Enqueue(), Enqueue()};
  ASSERT_EQ(deliverer_->RunOnce().value(), 3);
  EXPECT_EQ(sender_.ids, ids);
  for (const auto& id : ids) {
    EXPECT_EQ(Row(id).state, metadata::CallbackState::kDelivered);
    EXPECT_EQ(Row(id).attempts, 1);
  }
  EXPECT_EQ(deliverer_->RunOnce().value(), 0);
}

// Leases of a batch of three claimed at t: t + 35 s, t + 40 s, t + 45 s (timeout 5 s, margin
// 30 s). Attempts that take 25 s each (longer than planned): the second starts at t + 25 s,
// when its 5 s timeout still ends 10 s before its lease; the third would start at t + 50 s, too
// late to end within its lease, so it is given back, due at once, and sent by the next round.
TEST_F(DelivererBatchTest, AnEventWhoseTurnComesTooLateForItsLeaseIsGivenBackNotSent) {
  std::vector<std::string> ids{Enqueue(), Enqueue(), Enqueue()};
  sender_.attempt_ms = 25'000;
  ASSERT_EQ(deliverer_->RunOnce().value(), 2);
  EXPECT_EQ(sender_.ids, (std::vector<std::string>{ids[0], ids[1]}));
  metadata::CallbackEventRow late = Row(ids[2]);
  EXPECT_EQ(late.state, metadata::CallbackState::kPending);
  EXPECT_EQ(late.attempts, 0);
  EXPECT_EQ(late.next_attempt_ms, clock_.NowMs()) << "due again at once";
  ASSERT_EQ(deliverer_->RunOnce().value(), 1);
  EXPECT_EQ(sender_.ids.back(), ids[2]);
  EXPECT_EQ(Row(ids[2]).state, metadata::CallbackState::kDelivered);
}

}  // namespace
}  // namespace liverec::callbacks
