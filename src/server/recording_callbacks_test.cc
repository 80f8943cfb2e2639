// The recorder's file_created announcements through RecordingCallbacks into the real outbox,
// across simulated crashes: whether liverec dies after a file's row but before the enqueue, or
// after the enqueue but before the row is marked, the next start leaves exactly one event for
// the file in callback_outbox, under the id derived from its RecordId. A crash is an exception
// thrown around the callbacks (nothing after it runs; every write before it is committed); a
// restart is a new CycleManager over the same database. Fake clock; no sleeps.
#include "server/recording_callbacks.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "callbacks/outbox.h"
#include "callbacks/record_notifier.h"
#include "metadata/callback_outbox_repository.h"
#include "metadata/notify_config_repository.h"
#include "recorder/m3u8_cycle_test_fixture.h"

namespace liverec::server {
namespace {

struct SimulatedCrash {};

// Dies around the wrapped events' FileCreated: before it is called, or after it returned.
class CrashingEvents final : public recorder::RecordingEvents {
 public:
  enum class When { kBeforeEnqueue, kAfterEnqueue };
  CrashingEvents(recorder::RecordingEvents& inner, When when) : inner_(inner), when_(when) {}
  Status FileCreated(const recorder::CreatedFile& file) override {
    if (when_ == When::kBeforeEnqueue) throw SimulatedCrash{};
    (void)inner_.FileCreated(file);
    throw SimulatedCrash{};
  }

 private:
  recorder::RecordingEvents& inner_;
  When when_;
};

class RecordingCallbacksTest : public recorder::M3u8CycleTest,
                               public ::testing::WithParamInterface<CrashingEvents::When> {
 protected:
  void SetUp() override {
    M3u8CycleTest::SetUp();
    configs_ = std::make_unique<metadata::NotifyConfigRepository>(*db_);
    outbox_rows_ = std::make_unique<metadata::CallbackOutboxRepository>(*db_);
    outbox_ = std::make_unique<callbacks::Outbox>(*outbox_rows_, clock_, random_);
    notifier_ = std::make_unique<callbacks::OutboxRecordNotifier>(*configs_, *outbox_);
    callbacks_ = std::make_unique<RecordingCallbacks>(*notifier_);
    metadata::NotifyConfig config;
    config.account_id = account_;
    config.domain_name = "a.com";
    config.notify_url = "http://hooks.example.net/cb";
    ASSERT_TRUE(configs_->Insert(config).ok());
  }

  std::vector<metadata::CallbackEventRow> FileEvents() {
    auto rows = db_->Query("SELECT id FROM callback_outbox WHERE kind = 'file_created'", {});
    EXPECT_TRUE(rows.has_value());
    std::vector<metadata::CallbackEventRow> events;
    for (const auto& row : rows ? *rows : std::vector<metadata::SqlRow>{}) {
      events.push_back(**outbox_rows_->Find(account_, metadata::AsText(row[0])));
    }
    return events;
  }

  std::unique_ptr<metadata::NotifyConfigRepository> configs_;
  std::unique_ptr<metadata::CallbackOutboxRepository> outbox_rows_;
  std::unique_ptr<callbacks::Outbox> outbox_;
  std::unique_ptr<callbacks::OutboxRecordNotifier> notifier_;
  std::unique_ptr<RecordingCallbacks> callbacks_;
};

TEST_P(RecordingCallbacksTest, ACrashAroundTheEnqueueLeavesExactlyOneEventAfterTheRestart) {
  CrashingEvents crashing(*callbacks_, GetParam());
  Restart(&crashing);
  std::string cycle = Record(Plan(), 3);
  clock_.AdvanceMs(10'000);
  EXPECT_THROW((void)cycles_->CloseExpired(), SimulatedCrash);
  EXPECT_EQ(FileEvents().size(), GetParam() == CrashingEvents::When::kAfterEnqueue ? 1u : 0u);

  Restart(callbacks_.get());  // what Recorder::Recover does at start, then the periodic close
  ASSERT_TRUE(cycles_->AnnouncePending().ok());
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  clock_.AdvanceMs(recorder::CycleManager::kAnnounceRetryMs);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  Restart(callbacks_.get());  // and another start finds nothing left to announce
  ASSERT_TRUE(cycles_->AnnouncePending().ok());

  auto events = FileEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, callbacks::FileCreatedEventId(account_, cycle));
  EXPECT_EQ(events[0].state, metadata::CallbackState::kPending);
  auto body = nlohmann::json::parse(events[0].body);
  ASSERT_EQ(Playlists().size(), 1u) << "the cycle closed on the stored playlist";
  EXPECT_EQ(body["uri"], Playlists()[0]);
  EXPECT_EQ(body["stream"], "s1");
  EXPECT_DOUBLE_EQ(body["duration"].get<double>(), 3.0);
  EXPECT_EQ(body["push_args"]["callback_id"], "7");
  EXPECT_EQ(Cycle(cycle).state, metadata::CycleState::kClosed);
  EXPECT_TRUE(index_files_->ListUnannounced()->empty());
}

INSTANTIATE_TEST_SUITE_P(BeforeAndAfterTheEnqueue, RecordingCallbacksTest,
                         ::testing::Values(CrashingEvents::When::kBeforeEnqueue,
                                           CrashingEvents::When::kAfterEnqueue),
                         [](const auto& param) {
                           return param.param == CrashingEvents::When::kBeforeEnqueue
                                      ? std::string("CrashBeforeEnqueue")
                                      : std::string("CrashAfterEnqueue");
                         });

TEST_F(RecordingCallbacksTest, AFailedEnqueueIsReportedToTheRecorder) {
  // No outbox table: the enqueue fails, the recorder keeps the file unannounced.
  ASSERT_TRUE(db_->ExecuteScript("DROP TABLE callback_outbox;").ok());
  recorder::CreatedFile file{account_, "a.com",   "live",        "s1", "m3u8", "rec-1", "rec-1",
                             "local",  "records", "p/s1_0.m3u8", 0,    1000,   1000,    0,
                             0,        {}};
  Status status = callbacks_->FileCreated(file);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.ToString().find("p/s1_0.m3u8"), std::string::npos) << status.ToString();
}

}  // namespace
}  // namespace liverec::server
