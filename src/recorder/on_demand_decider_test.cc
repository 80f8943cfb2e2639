#include "recorder/on_demand_decider.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "metadata/tenant_repository.h"
#include "testing/test_database.h"

namespace liverec::recorder {
namespace {

// Answers with a scripted reply (or error) and remembers the requests.
class ScriptedSender final : public callbacks::HttpSender {
 public:
  Result<net::HttpClientResponse> Send(const net::HttpClientRequest& request) override {
    requests.push_back(request);
    return reply;
  }
  Result<net::HttpClientResponse> reply = net::HttpClientResponse{200, R"({"NeedRecord":true})"};
  std::vector<net::HttpClientRequest> requests;
};

class OnDemandDeciderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    metadata::TenantRepository tenants(*db_, clock_, random_);
    account_ = tenants.EnsureAccount("a")->id;
    notify_configs_ = std::make_unique<metadata::NotifyConfigRepository>(*db_);
    history_ = std::make_unique<metadata::CallbackOutboxRepository>(*db_);
    query_ = {account_, "example.com", "live", "s 1", "h264", 2000};
  }

  void SetOnDemandUrl(const std::string& url) {
    metadata::NotifyConfig c;
    c.account_id = account_;
    c.domain_name = "example.com";
    c.notify_url = "http://hooks.example.net/record";
    c.on_demand_url = url;
    ASSERT_TRUE(notify_configs_->Insert(c).ok());
  }

  OnDemandDecision Decide(bool allow_private = true) {
    OnDemandDecider decider(
        *notify_configs_, *history_, sender_, clock_, random_, OnDemandOptions{allow_private, 1500},
        [](const std::string&) { return std::vector<std::string>{"93.184.216.34"}; });
    return decider.Decide(query_, formats_);
  }

  // The on_demand rows of the history, newest first.
  std::vector<metadata::CallbackEventRow> History() {
    metadata::CallbackHistoryQuery q;
    q.account_id = account_;
    q.domain_name = "example.com";
    q.start_ms = 0;
    q.end_ms = clock_.NowMs() + 1;
    auto page = history_->ListHistory(q);
    EXPECT_TRUE(page.has_value());
    return page ? page->events : std::vector<metadata::CallbackEventRow>{};
  }

  FakeClock clock_{1'767'225'600'000};
  OsRandom random_;
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::unique_ptr<metadata::NotifyConfigRepository> notify_configs_;
  std::unique_ptr<metadata::CallbackOutboxRepository> history_;
  std::string account_;
  ScriptedSender sender_;
  OnDemandQuery query_;
  std::vector<metadata::RecordFormat> formats_ = {{"m3u8", "p", "s", 21600, 30},
                                                  {"mp4", "m", "", 3600, 0}};
};

TEST_F(OnDemandDeciderTest, AYesRecordsTheConfiguredFormatsAndIsDeliveredInTheHistory) {
  SetOnDemandUrl("http://hooks.example.net/ondemand?token=x");
  sender_.reply = net::HttpClientResponse{200, R"({"NeedRecord":true,"Interval":{"Mp4":600}})"};
  auto decision = Decide();
  EXPECT_TRUE(decision.record) << decision.reason;
  ASSERT_EQ(decision.formats.size(), 2u);
  EXPECT_EQ(decision.formats[1].cycle_duration_s, 600);
  ASSERT_EQ(sender_.requests.size(), 1u);
  const auto& request = sender_.requests[0];
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url,
            "http://hooks.example.net/ondemand?token=x&domain=example.com&app=live"
            "&stream=s%201&codec=h264&vbitrate=2000");
  EXPECT_EQ(request.timeout_ms, 1500);
  EXPECT_EQ(request.max_response_bytes, 2048u);
  auto history = History();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].kind, "on_demand");
  EXPECT_EQ(history[0].state, metadata::CallbackState::kDelivered);
  EXPECT_EQ(history[0].attempts, 1);
  EXPECT_EQ(history[0].last_status, 200);
  auto body = nlohmann::json::parse(history[0].body);
  EXPECT_EQ(body["Recorded"], true);
  EXPECT_EQ(body["Formats"].size(), 2u);
  // The row is final: the deliverer never sends it.
  auto due = history_->ListDue(clock_.NowMs() + 3'600'000, 10);
  ASSERT_TRUE(due.has_value());
  EXPECT_TRUE(due->empty());
}

TEST_F(OnDemandDeciderTest, ANoIsNotRecordedButDelivered) {
  SetOnDemandUrl("http://hooks.example.net/ondemand");
  sender_.reply = net::HttpClientResponse{200, R"({"NeedRecord":false})"};
  auto decision = Decide();
  EXPECT_FALSE(decision.record);
  EXPECT_EQ(decision.reason, "NeedRecord is false");
  auto history = History();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].state, metadata::CallbackState::kDelivered);
  EXPECT_EQ(nlohmann::json::parse(history[0].body)["Recorded"], false);
  EXPECT_EQ(history[0].last_response, R"({"NeedRecord":false})");
}

TEST_F(OnDemandDeciderTest, AFormatOutsideTheConfigIsNotRecorded) {
  SetOnDemandUrl("http://hooks.example.net/ondemand");
  sender_.reply = net::HttpClientResponse{200, R"({"NeedRecord":true,"Format":["flv"]})"};
  auto decision = Decide();
  EXPECT_FALSE(decision.record);
  EXPECT_NE(decision.reason.find("Format"), std::string::npos);
}

TEST_F(OnDemandDeciderTest, FailuresAreNotRecordedAndFailInTheHistory) {
  SetOnDemandUrl("http://hooks.example.net/ondemand");
  struct Case {
    Result<net::HttpClientResponse> reply;
    std::string reason;
    int64_t status;
  };
  std::vector<Case> cases;
  cases.push_back({net::HttpClientResponse{500, "oops"}, "status is 500", 500});
  cases.push_back({net::HttpClientResponse{200, "{NeedRecord"}, "unparseable reply", 200});
  cases.push_back(
      {Error(ErrorCode::kServiceUnavailable, "", "Timeout was reached"), "Timeout was reached", 0});
  for (auto& c : cases) {
    sender_.reply = c.reply;
    clock_.AdvanceMs(1000);
    auto decision = Decide();
    EXPECT_FALSE(decision.record);
    EXPECT_NE(decision.reason.find(c.reason), std::string::npos) << decision.reason;
    auto history = History();
    ASSERT_FALSE(history.empty());
    EXPECT_EQ(history[0].state, metadata::CallbackState::kFailed);
    EXPECT_EQ(history[0].last_status, c.status);
    EXPECT_NE(history[0].last_error.find(c.reason), std::string::npos);
  }
  EXPECT_EQ(History().size(), 3u);
}

TEST_F(OnDemandDeciderTest, WithoutAnOnDemandUrlNothingIsAskedOrRecorded) {
  auto decision = Decide();
  EXPECT_FALSE(decision.record);
  EXPECT_EQ(decision.reason, "the domain has no OnDemandUrl");
  EXPECT_TRUE(sender_.requests.empty());
  auto history = History();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].state, metadata::CallbackState::kFailed);
  EXPECT_EQ(history[0].last_error, "the domain has no OnDemandUrl");
}

TEST_F(OnDemandDeciderTest, AnUnsafeUrlIsNotCalledUnlessPrivateAddressesAreAllowed) {
  SetOnDemandUrl("http://127.0.0.1:9/ondemand");
  auto decision = Decide(/*allow_private=*/false);
  EXPECT_FALSE(decision.record);
  EXPECT_NE(decision.reason.find("refused"), std::string::npos);
  EXPECT_TRUE(sender_.requests.empty());
  EXPECT_TRUE(Decide(/*allow_private=*/true).record);
  EXPECT_EQ(sender_.requests.size(), 1u);
}

TEST(OnDemandRequestUrlTest, QueryIsAppendedAfterAnyExistingOne) {
  OnDemandQuery q{"a", "d.example.com", "app", "s", "", 0};
  EXPECT_EQ(OnDemandDecider::RequestUrl("http://h/cb", q),
            "http://h/cb?domain=d.example.com&app=app&stream=s&codec=&vbitrate=0");
  EXPECT_EQ(OnDemandDecider::RequestUrl("http://h/cb?k=v", q),
            "http://h/cb?k=v&domain=d.example.com&app=app&stream=s&codec=&vbitrate=0");
  EXPECT_EQ(OnDemandDecider::RequestUrl("http://h/cb?", q),
            "http://h/cb?domain=d.example.com&app=app&stream=s&codec=&vbitrate=0");
}

}  // namespace
}  // namespace liverec::recorder
