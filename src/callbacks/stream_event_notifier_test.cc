#include "callbacks/stream_event_notifier.h"

#include <gtest/gtest.h>

#include "base/crypto.h"
#include "callbacks/deliverer.h"
#include "metadata/tenant_repository.h"
#include "testing/test_database.h"

namespace liverec::callbacks {
namespace {

class KeepingSender final : public HttpSender {
 public:
  Result<net::HttpClientResponse> Send(const net::HttpClientRequest& request) override {
    requests.push_back(request);
    return net::HttpClientResponse{200, "ok"};
  }
  std::vector<net::HttpClientRequest> requests;
};

class StreamEventNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    metadata::TenantRepository tenants(*db_, clock_, random_);
    account_ = tenants.EnsureAccount("a")->id;
    configs_ = std::make_unique<metadata::StreamsNotifyConfigRepository>(*db_);
    repo_ = std::make_unique<metadata::CallbackOutboxRepository>(*db_);
    outbox_ = std::make_unique<Outbox>(*repo_, clock_, random_);
    notifier_ = std::make_unique<OutboxStreamEventNotifier>(*configs_, *outbox_, "node-1");
  }

  void SetConfig(const std::string& domain, const std::string& url, const std::string& key = "") {
    metadata::StreamsNotifyConfig c;
    c.account_id = account_;
    c.domain_name = domain;
    c.notify_url = url;
    c.notify_req_auth = !key.empty();
    c.notify_auth_key = key;
    ASSERT_TRUE(configs_->Upsert(c).ok());
  }

  StreamEventInfo Info(uint64_t publish_id = 1) {
    StreamEventInfo info;
    info.publish_id = publish_id;
    info.account_id = account_;
    info.ingest_domain = "push.example.com";
    info.domain = "example.com";
    info.app = "live";
    info.stream = "s1";
    info.client_ip = "192.168.0.1";
    info.usrargs = "vhost=push.example.com&auth_key=1-0-0-abc";
    info.time_ms = 1609220385'123;
    info.width = 1280;
    info.height = 720;
    return info;
  }

  metadata::CallbackEventRow Row(const std::string& id) {
    return *repo_->Find(account_, id).value();
  }

  FakeClock clock_{1609220387'000};
  OsRandom random_;
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::unique_ptr<metadata::StreamsNotifyConfigRepository> configs_;
  std::unique_ptr<metadata::CallbackOutboxRepository> repo_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<OutboxStreamEventNotifier> notifier_;
  std::string account_;
};

TEST_F(StreamEventNotifierTest, QueryHasTheSpecParametersInOrderEncoded) {
  EXPECT_EQ(StreamEventQuery(StreamEventAction::kPublish, Info(), "node-1"),
            "action=publish&ip=192.168.0.1&id=s1&app=push.example.com&appname=live&"
            "time=1609220385&usrargs=vhost%3Dpush.example.com%26auth_key%3D1-0-0-abc&"
            "node=node-1&height=720&width=1280");
  EXPECT_EQ(StreamEventQuery(StreamEventAction::kPublishDone, Info(), "n"),
            "action=publish_done&ip=192.168.0.1&id=s1&app=push.example.com&appname=live&"
            "time=1609220385&usrargs=vhost%3Dpush.example.com%26auth_key%3D1-0-0-abc&node=n")
      << "no size on publish_done";
  StreamEventInfo direct = Info();
  direct.ingest_domain = "";
  direct.usrargs = "";
  EXPECT_NE(StreamEventQuery(StreamEventAction::kPublish, direct, "n").find("&app=example.com&"),
            std::string::npos);
}

TEST_F(StreamEventNotifierTest, WithoutAConfigNothingIsEnqueued) {
  EXPECT_EQ(notifier_->Published(Info()).value(), "");
  EXPECT_EQ(notifier_->PublishDone(Info()).value(), "");
  EXPECT_EQ(repo_->CountPending().value(), 0);
}

TEST_F(StreamEventNotifierTest, AStreamingDomainConfigGetsAGetWithTheQueryUnsigned) {
  SetConfig("example.com", "http://hooks.example.net/streams");
  std::string id = notifier_->Published(Info()).value();
  ASSERT_FALSE(id.empty());
  auto row = Row(id);
  EXPECT_EQ(row.method, "GET");
  EXPECT_EQ(row.kind, "publish");
  EXPECT_EQ(row.url, "http://hooks.example.net/streams");
  EXPECT_EQ(row.query, StreamEventQuery(StreamEventAction::kPublish, Info(), "node-1"));
  EXPECT_EQ(row.body, "");
  EXPECT_EQ(row.domain_name, "example.com");
  EXPECT_EQ(row.app_name, "live");
  EXPECT_EQ(row.stream_name, "s1");
  EXPECT_EQ(row.sign_key, "");
  std::string done = notifier_->PublishDone(Info()).value();
  ASSERT_FALSE(done.empty());
  EXPECT_EQ(Row(done).kind, "publish_done");
  EXPECT_EQ(notifier_->PublishDone(Info()).value(), "") << "one publish_done per publish";
}

TEST_F(StreamEventNotifierTest, TheIngestDomainsOwnConfigWinsAndSignsWithItsName) {
  SetConfig("example.com", "http://hooks.example.net/streaming");
  SetConfig("push.example.com", "http://hooks.example.net/ingest", "abcdefgh12345678");
  auto row = Row(notifier_->Published(Info()).value());
  EXPECT_EQ(row.url, "http://hooks.example.net/ingest");
  EXPECT_EQ(row.domain_name, "push.example.com");
  EXPECT_EQ(row.sign_key, "abcdefgh12345678");
  EXPECT_EQ(row.sign_host, "push.example.com");

  // Delivered: the signature covers the ingest domain, not the callback host.
  KeepingSender sender;
  Deliverer deliverer(*repo_, sender, clock_, DeliveryOptions{});
  ASSERT_EQ(deliverer.RunOnce().value(), 1);
  const auto& request = sender.requests.at(0);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url, "http://hooks.example.net/ingest?" + row.query);
  EXPECT_EQ(request.headers.at("ALI-LIVE-TIMESTAMP"), "1609220387");
  EXPECT_EQ(request.headers.at("ALI-LIVE-SIGNATURE"),
            HexEncode(Md5("push.example.com|1609220387|abcdefgh12345678")));
}

TEST_F(StreamEventNotifierTest, PublishDoneNeedsItsOwnPublishToHaveBeenEnqueued) {
  EXPECT_EQ(notifier_->Published(Info(7)).value(), "") << "no config yet";
  SetConfig("example.com", "http://hooks.example.net/streams");
  EXPECT_EQ(notifier_->PublishDone(Info(7)).value(), "")
      << "a config set mid-publish sends no publish_done without a publish";
  ASSERT_FALSE(notifier_->Published(Info(8)).value().empty());
  EXPECT_EQ(notifier_->PublishDone(Info(9)).value(), "") << "another publish's id";
  ASSERT_TRUE(configs_->Delete(account_, "example.com").ok());
  EXPECT_EQ(notifier_->PublishDone(Info(8)).value(), "") << "config deleted meanwhile";
  EXPECT_EQ(repo_->CountPending().value(), 1);
}

}  // namespace
}  // namespace liverec::callbacks
