#include "callbacks/record_notifier.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>

#include "metadata/tenant_repository.h"
#include "testing/test_database.h"

namespace liverec::callbacks {
namespace {

class RecordNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
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
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::unique_ptr<metadata::NotifyConfigRepository> configs_;
  std::unique_ptr<metadata::CallbackOutboxRepository> repo_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<OutboxRecordNotifier> notifier_;
  std::string account_;
};

TEST_F(RecordNotifierTest, NothingIsEnqueuedWithoutANotifyConfig) {
  EXPECT_EQ(notifier_->FileCreated(account_, "rec-1", File()).value(), "");
  EXPECT_EQ(
      notifier_->StatusChanged(account_, "example.com", "live", "s1", RecordStatusEvent::kStarted)
          .value(),
      "");
  EXPECT_EQ(repo_->CountPending().value(), 0);
}

TEST_F(RecordNotifierTest, FileCreatedGoesToTheNotifyUrlUnsignedByDefault) {
  Configure(false, false);
  std::string id = notifier_->FileCreated(account_, "rec-1", File()).value();
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

TEST_F(RecordNotifierTest, FileCreatedIsEnqueuedOncePerFileUnderAnIdDerivedFromIt) {
  Configure(false, false);
  int wakes = 0;
  outbox_->SetWakeUp([&] { ++wakes; });
  std::string id = notifier_->FileCreated(account_, "rec-1", File()).value();
  EXPECT_EQ(id, FileCreatedEventId(account_, "rec-1"));
  EXPECT_TRUE(std::regex_match(
      id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << id;
  // Announced again (recovery after a crash): the same id, nothing new in the outbox, even once
  // the first copy was delivered.
  metadata::CallbackAttempt delivered{account_, id, clock_.NowMs(),
                                      metadata::CallbackState::kDelivered};
  ASSERT_TRUE(repo_->RecordAttempt(delivered).value());
  clock_.AdvanceMs(5'000);
  FileCreatedInfo changed = File();
  changed.uri = "record/live/s1/other.mp4";
  EXPECT_EQ(notifier_->FileCreated(account_, "rec-1", changed).value(), id);
  EXPECT_EQ(repo_->CountPending().value(), 0);
  EXPECT_EQ(wakes, 1) << "no delivery round for an event not enqueued";
  auto row = *repo_->Find(account_, id).value();
  EXPECT_EQ(row.state, metadata::CallbackState::kDelivered) << "the first copy is kept as it is";
  EXPECT_EQ(nlohmann::json::parse(row.body)["uri"], "record/live/s1/a.mp4");
  // Another file, or the same RecordId in another account, is another event.
  std::string other = notifier_->FileCreated(account_, "rec-2", File()).value();
  EXPECT_NE(other, id);
  EXPECT_EQ(repo_->CountPending().value(), 1);
  EXPECT_NE(FileCreatedEventId("b", "rec-1"), id);
  EXPECT_NE(FileCreatedEventId(account_ + "/x", "y"), FileCreatedEventId(account_, "x/y"));
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
