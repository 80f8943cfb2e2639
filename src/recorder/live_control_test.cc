// The recording task's state machine (docs/recording.md) and its command entry point: every
// command in every state, the effects each queues, the stream's own events (window, on-demand
// "no", publisher gone) and LiveControls' stream and config look-ups.
#include <gtest/gtest.h>

#include "metadata/tenant_repository.h"
#include "recorder/live_controls.h"
#include "testing/test_database.h"

namespace liverec::recorder {
namespace {

using K = TaskEffectKind;

std::vector<K> Kinds(const std::vector<TaskEffect>& effects) {
  std::vector<K> kinds;
  for (const auto& e : effects) kinds.push_back(e.kind);
  return kinds;
}

metadata::RecordConfig Config(int on_demand = 7) {
  metadata::RecordConfig config;
  config.id = "cfg";
  config.app_name = "live";
  config.stream_name = "s1";
  config.on_demand = on_demand;
  config.formats.push_back(
      {"m3u8", "rec/{Sequence}_{StartTime}_{EndTime}", "rec/{UnixTimestamp}_{Sequence}", 900, 5});
  return config;
}

TEST(TransitTest, EveryCommandInEveryState) {
  struct Row {
    TaskState state;
    RecordCommand command;
    std::optional<TaskState> next;  // nullopt: refused
    ErrorCode error = ErrorCode::kOk;
    std::vector<K> effects = {};
  };
  const std::vector<Row> rows = {
      {TaskState::kIdle, RecordCommand::kStart, TaskState::kRecording, ErrorCode::kOk, {K::kStart}},
      {TaskState::kRecording, RecordCommand::kStart, std::nullopt, ErrorCode::kTaskAlreadyStarted},
      {TaskState::kStopped,
       RecordCommand::kStart,
       TaskState::kRecording,
       ErrorCode::kOk,
       {K::kStart}},
      {TaskState::kIdle, RecordCommand::kStop, std::nullopt, ErrorCode::kInvalidTaskState},
      {TaskState::kRecording,
       RecordCommand::kStop,
       TaskState::kStopped,
       ErrorCode::kOk,
       {K::kStop}},
      {TaskState::kStopped, RecordCommand::kStop, std::nullopt, ErrorCode::kInvalidTaskState},
      {TaskState::kIdle, RecordCommand::kCancelDelay, std::nullopt, ErrorCode::kInvalidTaskState},
      {TaskState::kRecording, RecordCommand::kCancelDelay, std::nullopt,
       ErrorCode::kInvalidTaskState},
      {TaskState::kStopped,
       RecordCommand::kCancelDelay,
       TaskState::kIdle,
       ErrorCode::kOk,
       {K::kCloseFilesNow}},
      {TaskState::kIdle, RecordCommand::kRestart, std::nullopt, ErrorCode::kInvalidTaskState},
      {TaskState::kRecording,
       RecordCommand::kRestart,
       TaskState::kRecording,
       ErrorCode::kOk,
       {K::kStop, K::kCloseFilesNow, K::kStart}},
      {TaskState::kStopped,
       RecordCommand::kRestart,
       TaskState::kRecording,
       ErrorCode::kOk,
       {K::kCloseFilesNow, K::kStart}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(std::string(TaskStateName(row.state)) + " + " +
                 std::string(RecordCommandName(row.command)));
    auto t = Transit(row.state, row.command);
    if (!row.next) {
      ASSERT_FALSE(t);
      EXPECT_EQ(t.error().code(), row.error);
      continue;
    }
    ASSERT_TRUE(t) << t.error().ToString();
    EXPECT_EQ(t->next, *row.next);
    EXPECT_EQ(t->effects, row.effects);
  }
}

TEST(TransitTest, ParsesTheFourCommandsOnly) {
  for (auto c : {RecordCommand::kStart, RecordCommand::kStop, RecordCommand::kCancelDelay,
                 RecordCommand::kRestart}) {
    EXPECT_EQ(ParseRecordCommand(RecordCommandName(c)), c);
  }
  EXPECT_FALSE(ParseRecordCommand("Start"));
  EXPECT_FALSE(ParseRecordCommand("pause"));
  EXPECT_FALSE(ParseRecordCommand(""));
}

TEST(LiveControlTest, CommandsQueueEffectsInOrderAndStartsNeedAConfig) {
  LiveControl control("a.com/live/s1");
  EXPECT_FALSE(control.HasEffects());
  Status no_config = control.Command(RecordCommand::kStart, std::nullopt);
  EXPECT_EQ(no_config.code(), ErrorCode::kInvalidConfigNotFound);
  EXPECT_EQ(control.state(), TaskState::kIdle);
  EXPECT_FALSE(control.HasEffects());

  ASSERT_TRUE(control.Command(RecordCommand::kStart, Config()).ok());
  EXPECT_EQ(control.Command(RecordCommand::kStart, Config()).code(),
            ErrorCode::kTaskAlreadyStarted);
  ASSERT_TRUE(control.Command(RecordCommand::kStop, std::nullopt).ok());
  ASSERT_TRUE(control.Command(RecordCommand::kRestart, Config()).ok());
  ASSERT_TRUE(control.HasEffects());
  auto effects = control.TakeEffects();
  EXPECT_EQ(Kinds(effects), (std::vector<K>{K::kStart, K::kStop, K::kCloseFilesNow, K::kStart}));
  EXPECT_EQ(effects[0].task, 1u);
  EXPECT_EQ(effects[3].task, 2u);
  ASSERT_TRUE(effects[3].config);
  EXPECT_EQ(effects[3].config->id, "cfg");
  EXPECT_FALSE(effects[0].on_demand);
  EXPECT_FALSE(control.HasEffects());
  EXPECT_EQ(control.state(), TaskState::kRecording);
}

TEST(LiveControlTest, AutomaticStartWindowAndOnDemandNo) {
  LiveControl control("a.com/live/s1");
  control.AutoStart(Config(1), true, "on-demand");
  control.AutoStart(Config(1), true, "again");  // ignored: already recording
  auto effects = control.TakeEffects();
  ASSERT_EQ(effects.size(), 1u);
  EXPECT_TRUE(effects[0].on_demand);
  // The on-demand answer of an older task does not touch a newer one.
  control.Declined(effects[0].task + 1);
  EXPECT_EQ(control.state(), TaskState::kRecording);
  control.Declined(effects[0].task);
  EXPECT_EQ(control.state(), TaskState::kIdle);
  // A forced start after "no"; then the window closes: stop and close now.
  ASSERT_TRUE(control.Command(RecordCommand::kStart, Config(1)).ok());
  EXPECT_FALSE(control.TakeEffects()[0].on_demand);
  control.WindowClosed();
  EXPECT_EQ(Kinds(control.TakeEffects()), (std::vector<K>{K::kStop, K::kCloseFilesNow}));
  EXPECT_EQ(control.state(), TaskState::kIdle);
  control.WindowClosed();
  EXPECT_FALSE(control.HasEffects());
}

TEST(LiveControlTest, AWindowClosingAfterStopClosesTheFilesNow) {
  LiveControl control("a.com/live/s1");
  control.AutoStart(Config(0), false, "automatic");
  ASSERT_TRUE(control.Command(RecordCommand::kStop, std::nullopt).ok());
  control.WindowClosed();
  EXPECT_EQ(Kinds(control.TakeEffects()), (std::vector<K>{K::kStart, K::kStop, K::kCloseFilesNow}));
}

TEST(LiveControlTest, NoCommandsAfterThePublisherLeft) {
  LiveControl control("a.com/live/s1");
  ASSERT_TRUE(control.Command(RecordCommand::kStart, Config()).ok());
  control.Ended();
  EXPECT_EQ(control.Command(RecordCommand::kStop, std::nullopt).code(),
            ErrorCode::kLiveStreamNotFound);
  control.AutoStart(Config(0), false, "automatic");
  EXPECT_EQ(control.TakeEffects().size(), 1u);  // the start queued before the end only
}

class LiveControlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    metadata::TenantRepository tenants(*db_, clock_, random_);
    account_ = tenants.EnsureAccount("a")->id;
    other_ = tenants.EnsureAccount("b")->id;
    configs_ = std::make_unique<metadata::RecordConfigRepository>(*db_);
    controls_ = std::make_unique<LiveControls>(*configs_, clock_);
  }
  FakeClock clock_{1'767'225'600'000};
  OsRandom random_;
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::string account_, other_;
  std::unique_ptr<metadata::RecordConfigRepository> configs_;
  std::unique_ptr<LiveControls> controls_;
};

TEST_F(LiveControlsTest, FindsTheLiveStreamOfTheAccountAndTheConfigInForceNow) {
  auto control = std::make_shared<LiveControl>("a.com/live/s1");
  std::string key = LiveControls::Key(account_, "a.com", "live", "s1");
  controls_->Register(key, control);
  EXPECT_EQ(controls_->Command(account_, "a.com", "live", "s2", RecordCommand::kStart).code(),
            ErrorCode::kLiveStreamNotFound);
  EXPECT_EQ(controls_->Command(other_, "a.com", "live", "s1", RecordCommand::kStart).code(),
            ErrorCode::kLiveStreamNotFound);
  EXPECT_EQ(controls_->Command(account_, "a.com", "live", "s1", RecordCommand::kStart).code(),
            ErrorCode::kInvalidConfigNotFound);

  // A windowed config whose window has passed still serves an explicit start.
  auto config = Config(7);
  config.account_id = account_;
  config.domain_name = "a.com";
  config.oss_endpoint = "local";
  config.oss_bucket = "records";
  config.start_time_ms = clock_.NowMs() - 7200'000;
  config.end_time_ms = clock_.NowMs() - 3600'000;
  ASSERT_TRUE(configs_->Insert(config).ok());
  ASSERT_TRUE(controls_->Command(account_, "a.com", "live", "s1", RecordCommand::kStart).ok());
  auto effects = control->TakeEffects();
  ASSERT_EQ(effects.size(), 1u);
  ASSERT_TRUE(effects[0].config);
  EXPECT_EQ(effects[0].config->formats.size(), 1u);

  // A newer publish replaces the control; the old one's end leaves the newer registered.
  auto newer = std::make_shared<LiveControl>("a.com/live/s1");
  controls_->Register(key, newer);
  controls_->Unregister(key, control.get());
  EXPECT_EQ(controls_->FindForTest(key), newer);
  controls_->Unregister(key, newer.get());
  EXPECT_EQ(controls_->FindForTest(key), nullptr);
}

}  // namespace
}  // namespace liverec::recorder

namespace liverec::recorder {
namespace {

TEST_F(LiveControlsTest, CountsTheTasksThatAreRecording) {
  EXPECT_EQ(controls_->CountRecording(), 0u);
  auto config = Config(0);
  auto recording = std::make_shared<LiveControl>("a.com/live/s1");
  recording->AutoStart(config, false, "test");
  auto idle = std::make_shared<LiveControl>("a.com/live/s2");
  auto stopped = std::make_shared<LiveControl>("a.com/live/s3");
  stopped->AutoStart(config, false, "test");
  ASSERT_TRUE(stopped->Command(RecordCommand::kStop, std::nullopt).ok());
  controls_->Register(LiveControls::Key(account_, "a.com", "live", "s1"), recording);
  controls_->Register(LiveControls::Key(account_, "a.com", "live", "s2"), idle);
  controls_->Register(LiveControls::Key(account_, "a.com", "live", "s3"), stopped);
  EXPECT_EQ(controls_->CountRecording(), 1u);
}

TEST_F(LiveControlsTest, TellsTheStateOfEachLiveStreamAndNothingOfOthers) {
  auto control = std::make_shared<LiveControl>("a.com/live/s1");
  controls_->Register(LiveControls::Key(account_, "a.com", "live", "s1"), control);
  EXPECT_EQ(controls_->StateOf(account_, "a.com", "live", "s1"), TaskState::kIdle);
  control->AutoStart(Config(0), false, "test");
  EXPECT_EQ(controls_->StateOf(account_, "a.com", "live", "s1"), TaskState::kRecording);
  ASSERT_TRUE(control->Command(RecordCommand::kStop, std::nullopt).ok());
  EXPECT_EQ(controls_->StateOf(account_, "a.com", "live", "s1"), TaskState::kStopped);
  // Another account's stream of the same name, another stream, a left publisher: not live here.
  EXPECT_EQ(controls_->StateOf("other-account", "a.com", "live", "s1"), std::nullopt);
  EXPECT_EQ(controls_->StateOf(account_, "a.com", "live", "s2"), std::nullopt);
  control->Ended();
  EXPECT_EQ(controls_->StateOf(account_, "a.com", "live", "s1"), std::nullopt);
}

}  // namespace
}  // namespace liverec::recorder
