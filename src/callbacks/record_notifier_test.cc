#include "callbacks/record_notifier.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "metadata/migrations.h"
#include "metadata/sqlite/sqlite_database.h"
#include "metadata/tenant_repository.h"

namespace liverec::callbacks {
namespace {

class RecordNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = metadata::SqliteDatabase::Open(":memory:");
    ASSERT_TRUE(db.has_value());
    db_ = std::move(*db);
    ASSERT_TRUE(metadata::ApplyMigrations(*db_, clock_).ok());
    metadata::TenantRepository tenants(*db_, clock_, random_);
    account_ = tenants.EnsureAccount("a")->id;
    configs_ = std::make_unique<metadata::NotifyConfigRepository>(*db_);
    repo_ = std::make_unique<metadata::CallbackOutboxRepository>(*db_);
    outbox_ = std::make_unique<Outbox>(*repo_, clock_, random_);
    notifier_ = std::make_unique<OutboxRecordNotifier>(*configs_, *outbox_);
  }

  void Configure(bool status, bool auth) {
    metadata::NotifyConfig c;
    c.account_id = account_;
    c.domain_name = "example.com";
    c.notify_url = "http://hooks.example.net/cb";
    c.need_status_notify = status;
    c.notify_req_auth = auth;
    c.notify_auth_key = "abcdefgh12345678";
    ASSERT_TRUE(configs_->Insert(c).ok());
  }

  FileCreatedInfo File() {
    return {"example.com", "live", "s1", "record/live/s1/a.mp4", 60'000, 1000, 61'000, {}};
  }

  FakeClock clock_{1'767'225'600'000};
  OsRandom random_;
  std::unique_ptr<metadata::SqliteDatabase> db_;
  std::unique_ptr<metadata::NotifyConfigRepository> configs_;
  std::unique_ptr<metadata::CallbackOutboxRepository> repo_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<OutboxRecordNotifier> notifier_;
  std::string account_;
};

TEST_F(RecordNotifierTest, NothingIsEnqueuedWithoutANotifyConfig) {
  EXPECT_EQ(notifier_->FileCreated(account_, File()).value(), "");
  EXPECT_EQ(
      notifier_->StatusChanged(account_, "example.com", "live", "s1", RecordStatusEvent::kStarted)
          .value(),
      "");
  EXPECT_EQ(repo_->CountPending().value(), 0);
}

TEST_F(RecordNotifierTest, FileCreatedGoesToTheNotifyUrlUnsignedByDefault) {
  Configure(false, false);
  std::string id = notifier_->FileCreated(account_, File()).value();
  ASSERT_FALSE(id.empty());
  auto row = *repo_->Find(account_, id).value();
  EXPECT_EQ(row.kind, "file_created");
  EXPECT_EQ(row.url, "http://hooks.example.net/cb");
  EXPECT_EQ(row.method, "POST");
  EXPECT_EQ(row.sign_key, "");
  EXPECT_EQ(nlohmann::json::parse(row.body)["uri"], "record/live/s1/a.mp4");
  EXPECT_EQ(
      notifier_->StatusChanged(account_, "example.com", "live", "s1", RecordStatusEvent::kStarted)
          .value(),
      "")
      << "status events only with NeedStatusNotify";
}

TEST_F(RecordNotifierTest, StatusEventsAreSignedWhenTheConfigSaysSo) {
  Configure(true, true);
  std::string id =
      notifier_->StatusChanged(account_, "example.com", "live", "s1", RecordStatusEvent::kPaused)
          .value();
  ASSERT_FALSE(id.empty());
  auto row = *repo_->Find(account_, id).value();
  EXPECT_EQ(row.kind, "record_paused");
  EXPECT_EQ(row.sign_key, "abcdefgh12345678");
  EXPECT_EQ(nlohmann::json::parse(row.body)["event"], "record_paused");
}

}  // namespace
}  // namespace liverec::callbacks
