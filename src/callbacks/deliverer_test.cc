#include "callbacks/deliverer.h"

#include <unistd.h>
#include <deque>
#include <filesystem>

#include <gtest/gtest.h>

#include "callbacks/notify_signing.h"
#include "callbacks/outbox.h"
#include "metadata/migrations.h"
#include "metadata/sqlite/sqlite_database.h"
#include "metadata/tenant_repository.h"
#include "testing/temp_dir.h"

namespace liverec::callbacks {
namespace {

using metadata::CallbackState;

// Answers with scripted statuses (0: a transport failure) and records every request.
class ScriptedSender final : public HttpSender {
 public:
  Result<net::HttpClientResponse> Send(const net::HttpClientRequest& request) override {
    requests.push_back(request);
    long status = answers.empty() ? 200 : answers.front();
    if (!answers.empty()) answers.pop_front();
    if (status == 0) return Error(ErrorCode::kServiceUnavailable, "", "connection refused");
    return net::HttpClientResponse{status, "answer " + std::to_string(status)};
  }
  std::deque<long> answers;
  std::vector<net::HttpClientRequest> requests;
};

class DelivererTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(":memory:"); }

  void Open(const std::string& path) {
    deliverer_.reset();
    outbox_.reset();
    repo_.reset();
    db_.reset();
    auto db = metadata::SqliteDatabase::Open(path);
    ASSERT_TRUE(db.has_value()) << db.error().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(metadata::ApplyMigrations(*db_, clock_).ok());
    metadata::TenantRepository tenants(*db_, clock_, random_);
    account_ = tenants.EnsureAccount("a")->id;
    repo_ = std::make_unique<metadata::CallbackOutboxRepository>(*db_);
    outbox_ = std::make_unique<Outbox>(*repo_, clock_, random_);
    DeliveryOptions options;
    options.retry = RetryPolicy{1000, 8000, 5, 60'000};
    deliverer_ = std::make_unique<Deliverer>(*repo_, sender_, clock_, options);
  }

  std::string Enqueue(std::string sign_key = "") {
    CallbackEvent e{account_, "example.com",        "live",
                    "s1",     "file_created",       "http://learn.aliyundoc.com:8080/cb",
                    "POST",   R"({"uri":"a.flv"})", std::move(sign_key)};
    auto id = outbox_->Enqueue(e);
    EXPECT_TRUE(id.has_value());
    return id.value_or("");
  }

  metadata::CallbackEventRow Row(const std::string& id) {
    return *repo_->Find(account_, id).value();
  }

  FakeClock clock_{1'767'225'600'000};
  OsRandom random_;
  ScriptedSender sender_;
  std::unique_ptr<metadata::SqliteDatabase> db_;
  std::unique_ptr<metadata::CallbackOutboxRepository> repo_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<Deliverer> deliverer_;
  std::string account_;
};

TEST_F(DelivererTest, EnqueueStoresWithoutSendingAndWakesTheDeliverer) {
  int wakes = 0;
  outbox_->SetWakeUp([&] { ++wakes; });
  std::string id = Enqueue();
  EXPECT_EQ(wakes, 1);
  EXPECT_TRUE(sender_.requests.empty());
  EXPECT_EQ(Row(id).state, CallbackState::kPending);
}

TEST_F(DelivererTest, A2xxAnswerDeliversOnceWithTheEventHeaders) {
  std::string id = Enqueue();
  EXPECT_EQ(deliverer_->RunOnce().value(), 1);
  ASSERT_EQ(sender_.requests.size(), 1u);
  const auto& r = sender_.requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://learn.aliyundoc.com:8080/cb");
  EXPECT_EQ(r.body, R"({"uri":"a.flv"})");
  EXPECT_EQ(r.headers.at("Content-Type"), "application/json");
  EXPECT_EQ(r.headers.at("X-Liverec-Event-Id"), id);
  EXPECT_EQ(r.headers.at("X-Liverec-Event-Kind"), "file_created");
  EXPECT_EQ(r.headers.at("X-Liverec-Attempt"), "1");
  EXPECT_FALSE(r.headers.contains("ALI-LIVE-SIGNATURE"));
  auto row = Row(id);
  EXPECT_EQ(row.state, CallbackState::kDelivered);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_status, 200);
  EXPECT_EQ(row.last_response, "answer 200");
  clock_.AdvanceMs(3600'000);
  EXPECT_EQ(deliverer_->RunOnce().value(), 0) << "a delivered event is never sent again";
}

TEST_F(DelivererTest, FailuresAreRetriedWithBackoffUntilDeliveredWithTheSameId) {
  sender_.answers = {500, 0, 404, 200};
  std::string id = Enqueue();
  int64_t start = clock_.NowMs();
  ASSERT_EQ(deliverer_->RunOnce().value(), 1);
  EXPECT_EQ(Row(id).next_attempt_ms, start + 1000);
  EXPECT_EQ(Row(id).last_error, "HTTP 500");
  clock_.AdvanceMs(999);
  EXPECT_EQ(deliverer_->RunOnce().value(), 0) << "not due before its backoff";
  clock_.AdvanceMs(1);
  ASSERT_EQ(deliverer_->RunOnce().value(), 1);
  EXPECT_EQ(Row(id).next_attempt_ms, clock_.NowMs() + 2000);
  EXPECT_EQ(Row(id).last_error, "connection refused");
  clock_.AdvanceMs(2000);
  ASSERT_EQ(deliverer_->RunOnce().value(), 1);
  EXPECT_EQ(Row(id).next_attempt_ms, clock_.NowMs() + 4000);
  clock_.AdvanceMs(4000);
  ASSERT_EQ(deliverer_->RunOnce().value(), 1);
  auto row = Row(id);
  EXPECT_EQ(row.state, CallbackState::kDelivered);
  EXPECT_EQ(row.attempts, 4);
  EXPECT_EQ(row.delivered_at_ms, clock_.NowMs());
  ASSERT_EQ(sender_.requests.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(sender_.requests[i].headers.at("X-Liverec-Event-Id"), id);
    EXPECT_EQ(sender_.requests[i].headers.at("X-Liverec-Attempt"), std::to_string(i + 1));
  }
}

TEST_F(DelivererTest, GivesUpPastTheHorizonAfterAtLeastTheMinimumAttempts) {
  sender_.answers = std::deque<long>(100, 503);
  std::string id = Enqueue();
  int rounds = 0;
  while (Row(id).state == CallbackState::kPending && rounds < 100) {
    clock_.SetMs(std::max(clock_.NowMs(), Row(id).next_attempt_ms));
    ASSERT_TRUE(deliverer_->RunOnce().has_value());
    ++rounds;
  }
  auto row = Row(id);
  EXPECT_EQ(row.state, CallbackState::kFailed);
  EXPECT_GE(row.attempts, 5);
  // 1+2+4+8 s, then every 8 s until the next would pass 60 s after creation.
  EXPECT_EQ(row.attempts, 10);
  EXPECT_EQ(row.last_error, "HTTP 503");
}

TEST_F(DelivererTest, SignedEventsCarryTimestampAndSignatureOfTheSendTime) {
  clock_.SetMs(1519375990'500);
  std::string id = Enqueue("key0123456789abcdef");
  ASSERT_EQ(deliverer_->RunOnce().value(), 1);
  const auto& h = sender_.requests.at(0).headers;
  EXPECT_EQ(h.at("ALI-LIVE-TIMESTAMP"), "1519375990");
  EXPECT_EQ(h.at("ALI-LIVE-SIGNATURE"),
            NotifySignature("learn.aliyundoc.com", 1519375990, "key0123456789abcdef"))
      << "the host without the port";
  EXPECT_NE(Row(id).last_headers.find("ALI-LIVE-SIGNATURE"), std::string::npos);
}

TEST_F(DelivererTest, AGetEventSendsItsQueryWithoutABodyAndSignsItsSignHost) {
  clock_.SetMs(1609220385'000);
  CallbackEvent e{.account_id = account_,
                  .domain = "push.example.com",
                  .app = "live",
                  .stream = "s1",
                  .kind = "publish",
                  .url = "http://hooks.example.net:8080/streams?tenant=a",
                  .method = "GET",
                  .sign_key = "key0123456789abcdef",
                  .query = "action=publish&id=s1&usrargs=a%3D1%26b%3D2",
                  .sign_host = "push.example.com"};
  std::string id = outbox_->Enqueue(e).value();
  sender_.answers = {503, 200};
  ASSERT_EQ(deliverer_->RunOnce().value(), 1);
  clock_.AdvanceMs(1000);
  ASSERT_EQ(deliverer_->RunOnce().value(), 1);
  ASSERT_EQ(sender_.requests.size(), 2u);
  for (const auto& r : sender_.requests) {
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.url,
              "http://hooks.example.net:8080/streams?tenant=a&action=publish&id=s1&"
              "usrargs=a%3D1%26b%3D2")
        << "the same query on every attempt, after the URL's own";
    EXPECT_EQ(r.body, "");
    EXPECT_FALSE(r.headers.contains("Content-Type"));
    EXPECT_EQ(r.headers.at("X-Liverec-Event-Kind"), "publish");
  }
  const auto& h = sender_.requests[1].headers;
  EXPECT_EQ(h.at("ALI-LIVE-TIMESTAMP"), "1609220386");
  EXPECT_EQ(h.at("ALI-LIVE-SIGNATURE"),
            NotifySignature("push.example.com", 1609220386, "key0123456789abcdef"))
      << "the ingest domain, not the callback host";
  EXPECT_EQ(Row(id).state, CallbackState::kDelivered);
  EXPECT_EQ(Row(id).attempts, 2);
}

TEST_F(DelivererTest, RequestUrlPutsTheQueryBeforeAFragmentAndAfterAnOpenQuery) {
  metadata::CallbackEventRow e;
  e.method = "GET";
  e.query = "action=publish";
  for (auto [url, expected] : std::vector<std::pair<std::string, std::string>>{
           {"http://h/cb", "http://h/cb?action=publish"},
           {"http://h/cb?", "http://h/cb?action=publish"},
           {"http://h/cb?x=1&", "http://h/cb?x=1&action=publish"},
           {"http://h/cb#frag", "http://h/cb?action=publish#frag"}}) {
    e.url = url;
    EXPECT_EQ(RequestUrl(e), expected);
  }
  e.method = "POST";
  EXPECT_EQ(RequestUrl(e), e.url) << "a POST's URL is sent as stored";
}

TEST_F(DelivererTest, AUrlCheckFailureIsAFailedAttemptWithoutSending) {
  DeliveryOptions options;
  options.url_check = [](const std::string&) {
    return Status(ErrorCode::kInvalidNotifyUrlUnsafe, "", "resolves to 10.0.0.1");
  };
  Deliverer guarded(*repo_, sender_, clock_, options);
  std::string id = Enqueue();
  ASSERT_EQ(guarded.RunOnce().value(), 1);
  EXPECT_TRUE(sender_.requests.empty());
  EXPECT_EQ(Row(id).state, CallbackState::kPending);
  EXPECT_NE(Row(id).last_error.find("10.0.0.1"), std::string::npos);
}

TEST_F(DelivererTest, PendingEventsSurviveARestartAndAreDeliveredExactlyOnce) {
  liverec::testing::TempDir dir("deliverer");
  std::string path = dir.File("liverec.db");
  Open(path);
  sender_.answers = {500};
  std::string id = Enqueue();
  ASSERT_EQ(deliverer_->RunOnce().value(), 1);
  // A claimed event whose sender dies mid-attempt (no outcome recorded) comes back after the lease.
  std::string orphan = Enqueue();
  ASSERT_EQ(repo_->Claim(account_, orphan, clock_.NowMs(), clock_.NowMs() + 35'000).value(), true);

  Open(path);  // "restart": new database connection, repository, deliverer
  clock_.AdvanceMs(1000);
  ASSERT_EQ(deliverer_->RunOnce().value(), 1);
  EXPECT_EQ(Row(id).state, CallbackState::kDelivered);
  EXPECT_EQ(Row(orphan).state, CallbackState::kPending);
  clock_.AdvanceMs(35'000);
  ASSERT_EQ(deliverer_->RunOnce().value(), 1);
  EXPECT_EQ(Row(orphan).state, CallbackState::kDelivered);
  clock_.AdvanceMs(3600'000);
  EXPECT_EQ(deliverer_->RunOnce().value(), 0);
  EXPECT_EQ(sender_.requests.size(), 3u) << "two for the retried event, one for the orphan";
  deliverer_.reset();
  outbox_.reset();
  repo_.reset();
  db_.reset();
}

}  // namespace
}  // namespace liverec::callbacks

namespace liverec::callbacks {
namespace {

TEST_F(DelivererTest, EveryStoredAttemptIsReportedWithItsNewState) {
  std::vector<metadata::CallbackState> seen;
  DeliveryOptions options;
  options.retry = RetryPolicy{1000, 1000, 5, 3'000};
  options.on_attempt = [&seen](metadata::CallbackState state) { seen.push_back(state); };
  Deliverer reporting(*repo_, sender_, clock_, options);
  sender_.answers = std::deque<long>(100, 503);
  std::string failing = Enqueue();
  while (Row(failing).state == CallbackState::kPending) {
    clock_.SetMs(std::max(clock_.NowMs(), Row(failing).next_attempt_ms));
    ASSERT_TRUE(reporting.RunOnce().has_value());
  }
  sender_.answers.clear();
  Enqueue();
  ASSERT_EQ(reporting.RunOnce().value(), 1);
  using S = metadata::CallbackState;
  EXPECT_EQ(seen, (std::vector<S>{S::kPending, S::kPending, S::kPending, S::kPending, S::kFailed,
                                  S::kDelivered}));
}

}  // namespace
}  // namespace liverec::callbacks
