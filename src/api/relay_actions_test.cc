// The pull-to-push actions called directly with an ActionContext over an in-memory database
// and a FakeClock (docs/api/relay.md): parameters, validation, shapes, state rules, isolation.
#include <gtest/gtest.h>

#include "api/actions/actions.h"
#include "testing/test_database.h"

namespace liverec::api {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr int64_t kHour = 3600'000;

class RecordingListener : public relay::RelayTaskListener {
 public:
  void TaskChanged(const relay::RelayTask& task) override { changed.push_back(task); }
  void TaskDeleted(const relay::RelayTask& task) override { deleted.push_back(task); }
  std::vector<relay::RelayTask> changed, deleted;
};

class RelayActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    tenants_ = std::make_unique<metadata::TenantRepository>(*db_, clock_, random_);
    record_configs_ = std::make_unique<metadata::RecordConfigRepository>(*db_);
    tasks_ = std::make_unique<metadata::RelayTaskRepository>(*db_);
    a_ = tenants_->EnsureAccount("default")->id;
    b_ = tenants_->EnsureAccount("b")->id;
    deps_ = std::make_unique<ApiDependencies>(
        ApiDependencies{clock_, random_, *tenants_, *record_configs_, {}});
    deps_->relay.tasks = tasks_.get();
    deps_->relay.max_tasks = 3;
    deps_->relay.listener = &listener_;
    // Names resolve to a public address; literals are judged as they are.
    auto resolve = [](const std::string&) { return std::vector<std::string>{"203.0.113.5"}; };
    deps_->relay.urls.resolve = resolve;
    deps_->notify.resolve = resolve;
  }

  Result<json> Call(Result<json> (*action)(ActionContext&, const Params&), ParamMap params,
                    const std::string& account = "") {
    ActionContext context{*deps_, Caller{account.empty() ? a_ : account, "key"}, clock_.NowMs(),
                          "request-id"};
    return action(context, Params(std::move(params)));
  }
  std::string Code(const Result<json>& r) { return r ? "OK" : r.error().PublicCode(); }

  // A valid live task starting in an hour, with `extra` parameters replacing the defaults.
  ParamMap LiveTask(ParamMap extra = {}) {
    ParamMap p = {{"Region", "cn-shanghai"},
                  {"StartTime", "2026-01-01T01:00:00Z"},
                  {"EndTime", "2026-01-01T03:00:00Z"},
                  {"SourceType", "live"},
                  {"SourceProtocol", "rtmp"},
                  {"SourceUrls", R"(["rtmp://src.example.com/live/in"])"},
                  {"DstUrl", "rtmp://dst.example.com/live/out"}};
    for (auto& [k, v] : extra) p[k] = v;
    return p;
  }
  std::string Create(ParamMap params, const std::string& account = "") {
    auto r = Call(&actions::CreateLivePullToPush, std::move(params), account);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().ToString());
    return r ? (*r)["TaskId"].get<std::string>() : "";
  }
  json Describe(const std::string& id, const std::string& account = "") {
    auto r = Call(&actions::DescribeLivePullToPush, {{"Region", "cn-shanghai"}, {"TaskId", id}},
                  account);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().ToString());
    return r ? *r : json();
  }
  Result<json> Command(Result<json> (*action)(ActionContext&, const Params&), const std::string& id,
                       ParamMap extra = {}) {
    ParamMap p = {{"Region", "cn-shanghai"}, {"TaskId", id}};
    for (auto& [k, v] : extra) p[k] = v;
    return Call(action, std::move(p));
  }

  FakeClock clock_{kNow};
  OsRandom random_;
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::unique_ptr<metadata::TenantRepository> tenants_;
  std::unique_ptr<metadata::RecordConfigRepository> record_configs_;
  std::unique_ptr<metadata::RelayTaskRepository> tasks_;
  std::unique_ptr<ApiDependencies> deps_;
  RecordingListener listener_;
  std::string a_, b_;
};

TEST_F(RelayActionsTest, CreateStoresEveryFieldAndDescribeAnswersInTheSpecsShape) {
  auto r = Call(&actions::CreateLivePullToPush,
                {{"Region", "ap-southeast-1"},
                 {"TaskName", "two files"},
                 {"StartTime", "2026-01-01T01:00:00Z"},
                 {"EndTime", "2026-01-02T01:00:00Z"},
                 {"SourceType", "url"},
                 {"SourceProtocol", "rtmp"},  // does not apply to url sources
                 {"SourceUrls.1", "http://files.example.com/a.mp4"},
                 {"SourceUrls.2", "https://files.example.com/b.flv"},
                 {"DstUrl", "rtmp://dst.example.com/live/out"},
                 {"CallbackUrl", "https://hooks.example.net/relay"},
                 {"RepeatNumber", "-1"},
                 {"Offset", "15"},
                 {"FileIndex", "1"},
                 {"RetryCount", "0"},
                 {"RetryInterval", "300"},
                 {"ReqAuth", "yes"},
                 {"AuthKey", "K3yOfSixteenPlus"},
                 {"NotifyItemSwitch", "YES"}});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ((*r)["RetCode"], 0);
  EXPECT_EQ((*r)["Description"], "OK");
  std::string id = (*r)["TaskId"];
  EXPECT_EQ(id.size(), 36u);
  ASSERT_EQ(listener_.changed.size(), 1u);
  EXPECT_EQ(listener_.changed[0].task_id, id);

  json d = Describe(id);
  EXPECT_EQ(
      d,
      (json{{"RetCode", 0},
            {"Description", "OK"},
            {"TaskId", id},
            {"TaskStatus", 0},
            {"TaskInvalidReason", ""},
            {"TaskExitTime", 0},
            {"TaskExitReason", ""},
            {"CurrentOffset", 15},
            {"CurrentFileIndex", 1},
            {"TaskInfo",
             {{"TaskId", id},
              {"TaskName", "two files"},
              {"StartTime", "2026-01-01T01:00:00Z"},
              {"EndTime", "2026-01-02T01:00:00Z"},
              {"SourceType", "url"},
              {"SourceProtocol", ""},
              {"SourceUrls", {"http://files.example.com/a.mp4", "https://files.example.com/b.flv"}},
              {"DstUrl", "rtmp://dst.example.com/live/out"},
              {"CallbackURL", "https://hooks.example.net/relay"},
              {"ReqAuth", "yes"},
              {"AuthKey", "K3yOfSixteenPlus"},
              {"NotifyItemSwitch", "yes"},
              {"RepeatNumber", -1},
              {"Offset", 15},
              {"FileIndex", 1},
              {"RetryCount", 0},
              {"RetryInterval", 300}}}}));
}

TEST_F(RelayActionsTest, LiveRtspSourcesAreStoredAndEchoed) {
  std::string id = Create(LiveTask(
      {{"SourceProtocol", "rtsp"}, {"SourceUrls", R"(["rtsp://cam.example.com:8554/live"])"}}));
  json info = Describe(id)["TaskInfo"];
  EXPECT_EQ(info["SourceProtocol"], "rtsp");
  EXPECT_EQ(info["SourceUrls"], json::array({"rtsp://cam.example.com:8554/live"}));
}

TEST_F(RelayActionsTest, DefaultsAreTheSpecs) {
  json info = Describe(Create(LiveTask()))["TaskInfo"];
  EXPECT_EQ(info["TaskName"], "");
  EXPECT_EQ(info["SourceProtocol"], "rtmp");
  EXPECT_EQ(info["CallbackURL"], "");
  EXPECT_EQ(info["RepeatNumber"], 0);
  EXPECT_EQ(info["Offset"], 0);
  EXPECT_EQ(info["FileIndex"], 0);
  EXPECT_EQ(info["RetryCount"], 3);
  EXPECT_EQ(info["RetryInterval"], 60);
  EXPECT_EQ(info["ReqAuth"], "no");
  EXPECT_EQ(info["AuthKey"], "");
  EXPECT_EQ(info["NotifyItemSwitch"], "no");
}

TEST_F(RelayActionsTest, ReqAuthAndNotifyItemSwitchTakeYesNoTrueFalseInAnyCase) {
  const std::vector<std::pair<std::string, std::string>> spellings = {
      {"yes", "yes"}, {"Yes", "yes"}, {"TRUE", "yes"}, {"true", "yes"},
      {"no", "no"},   {"NO", "no"},   {"False", "no"}, {"", "no"}};
  int n = 0;
  for (const auto& [sent, shown] : spellings) {
    std::string id =
        Create(LiveTask({{"DstUrl", "rtmp://dst.example.com/live/" + std::to_string(++n)},
                         {"ReqAuth", sent},
                         {"AuthKey", "abcdefghijklmnop"},
                         {"NotifyItemSwitch", sent}}));
    json info = Describe(id)["TaskInfo"];
    EXPECT_EQ(info["ReqAuth"], shown) << sent;
    EXPECT_EQ(info["NotifyItemSwitch"], shown) << sent;
    EXPECT_EQ(info["AuthKey"], "abcdefghijklmnop") << "a key without ReqAuth is kept";
    ASSERT_EQ(Code(Command(&actions::DeleteLivePullToPush, id)), "OK");
  }
  // The longest key: 64 letters and digits.
  std::string key64(64, 'k');
  std::string id = Create(LiveTask({{"ReqAuth", "yes"}, {"AuthKey", key64}}));
  EXPECT_EQ(Describe(id)["TaskInfo"]["AuthKey"], key64);
}

TEST_F(RelayActionsTest, ReqAuthNeedsAWellFormedAuthKey) {
  const std::vector<std::pair<ParamMap, std::string>> cases = {
      {{{"ReqAuth", "yes"}}, "MissingAuthKey"},
      {{{"ReqAuth", "true"}, {"AuthKey", ""}}, "MissingAuthKey"},
      {{{"ReqAuth", "1"}}, "InvalidReqAuth.Malformed"},
      {{{"ReqAuth", "on"}, {"AuthKey", "abcdefghijklmnop"}}, "InvalidReqAuth.Malformed"},
      {{{"ReqAuth", "yes"}, {"AuthKey", "short15charsxxx"}}, "InvalidAuthKey.Malformed"},
      {{{"ReqAuth", "yes"}, {"AuthKey", std::string(65, 'k')}}, "InvalidAuthKey.Malformed"},
      {{{"AuthKey", "abcdefgh-ijklmnop"}}, "InvalidAuthKey.Malformed"},
      {{{"NotifyItemSwitch", "always"}}, "InvalidNotifyItemSwitch.Malformed"},
  };
  for (const auto& [extra, code] : cases) {
    auto r = Call(&actions::CreateLivePullToPush, LiveTask(extra));
    EXPECT_EQ(Code(r), code) << extra.begin()->first << "=" << extra.begin()->second;
    if (code == "MissingAuthKey") {
      EXPECT_EQ(r.error().HttpStatus(), 400);
      EXPECT_NE(r.error().Message().find("ReqAuth"), std::string::npos) << r.error().Message();
    }
  }
  EXPECT_EQ(tasks_->ListAll()->size(), 0u);
}

TEST_F(RelayActionsTest, UpdateChangesReqAuthAuthKeyAndNotifyItemSwitchAndKeepsWhatIsNotSent) {
  std::string id = Create(
      LiveTask({{"SourceType", "url"}, {"SourceUrls", R"(["http://f.example.com/a.mp4"])"}}));
  // ReqAuth yes without a key, stored or sent, is refused and changes nothing.
  EXPECT_EQ(Code(Command(&actions::UpdateLivePullToPush, id, {{"ReqAuth", "yes"}})),
            "MissingAuthKey");
  EXPECT_EQ(Code(Command(&actions::UpdateLivePullToPush, id,
                         {{"ReqAuth", "yes"}, {"AuthKey", "bad key with spaces"}})),
            "InvalidAuthKey.Malformed");
  EXPECT_EQ(Code(Command(&actions::UpdateLivePullToPush, id, {{"NotifyItemSwitch", "2"}})),
            "InvalidNotifyItemSwitch.Malformed");
  EXPECT_EQ(Describe(id)["TaskInfo"]["ReqAuth"], "no");
  ASSERT_EQ(Code(Command(&actions::UpdateLivePullToPush, id,
                         {{"ReqAuth", "yes"}, {"AuthKey", "abcdefghijklmnop"}})),
            "OK");
  // Other parameters leave them as they are.
  ASSERT_EQ(Code(Command(&actions::UpdateLivePullToPush, id, {{"Offset", "3"}})), "OK");
  json info = Describe(id)["TaskInfo"];
  EXPECT_EQ(info["ReqAuth"], "yes");
  EXPECT_EQ(info["AuthKey"], "abcdefghijklmnop");
  EXPECT_EQ(info["NotifyItemSwitch"], "no");
  // Past StartTime too; an AuthKey sent empty keeps the stored one.
  clock_.AdvanceMs(kHour);
  ASSERT_EQ(Code(Command(&actions::UpdateLivePullToPush, id,
                         {{"NotifyItemSwitch", "true"}, {"AuthKey", ""}})),
            "OK");
  info = Describe(id)["TaskInfo"];
  EXPECT_EQ(info["NotifyItemSwitch"], "yes");
  EXPECT_EQ(info["AuthKey"], "abcdefghijklmnop");
  EXPECT_TRUE(listener_.changed.back().notify_item_switch) << "the scheduler hears of it";
  ASSERT_EQ(Code(Command(&actions::UpdateLivePullToPush, id,
                         {{"ReqAuth", "no"}, {"AuthKey", "ZYXWVUTSRQPONMLK0123"}})),
            "OK");
  info = Describe(id)["TaskInfo"];
  EXPECT_EQ(info["ReqAuth"], "no");
  EXPECT_EQ(info["AuthKey"], "ZYXWVUTSRQPONMLK0123");
  EXPECT_EQ(info["NotifyItemSwitch"], "yes");
}

TEST_F(RelayActionsTest, EveryParameterErrorAndNothingStored) {
  const std::vector<std::pair<ParamMap, std::string>> cases = {
      {{{"Region", ""}}, "MissingRegion"},
      {{{"Region", "us-east-1"}}, "InvalidRegion.Malformed"},
      {{{"TaskName", std::string(129, 'n')}}, "InvalidTaskName.Malformed"},
      {{{"StartTime", ""}}, "MissingStartTime"},
      {{{"EndTime", ""}}, "MissingEndTime"},
      {{{"StartTime", "2026-01-01 01:00:00"}}, "InvalidStartTime.Malformed"},
      {{{"EndTime", "2026-01-01T03:00:00+08:00"}}, "InvalidEndTime.Malformed"},
      {{{"EndTime", "2026-01-01T01:00:00Z"}}, "InvalidParam.CodeIllegalDuration"},
      {{{"StartTime", "2025-12-31T00:00:00Z"}, {"EndTime", "2025-12-31T23:59:59Z"}},
       "InvalidParam.CodeIllegalDuration"},
      {{{"SourceType", ""}}, "MissingSourceType"},
      {{{"SourceType", "file"}}, "InvalidSourceType.Malformed"},
      {{{"SourceType", "vod"}}, "InvalidSourceType.Unsupported"},
      {{{"SourceProtocol", ""}}, "MissingSourceProtocol"},
      {{{"SourceProtocol", "rtp"}}, "InvalidSourceProtocol.Malformed"},
      {{{"SourceProtocol", "rtsp"}}, "InvalidSourceUrls.Malformed"},  // an rtmp:// URL
      {{{"SourceProtocol", "rtsp"}, {"SourceUrls", R"(["rtsps://cam.example.com/s"])"}},
       "InvalidSourceUrls.Malformed"},
      {{{"SourceProtocol", "rtsp"}, {"SourceUrls", R"(["rtsp://10.0.0.64/s"])"}},
       "InvalidSourceUrls.Unsafe"},
      {{{"SourceUrls", ""}}, "MissingSourceUrls"},
      {{{"SourceUrls", "rtmp://src.example.com/live/in"}}, "InvalidSourceUrls.Malformed"},
      {{{"SourceUrls", R"(["rtmp://a.example.com/l/a","rtmp://b.example.com/l/b"])"}},
       "InvalidSourceUrls.Malformed"},
      {{{"SourceUrls", R"(["http://src.example.com/live/in.flv"])"}},
       "InvalidSourceUrls.Malformed"},
      {{{"SourceUrls", R"(["rtmp://127.0.0.1/live/in"])"}}, "InvalidSourceUrls.Unsafe"},
      {{{"SourceUrls.1", "rtmp://src.example.com/live/in"}}, "InvalidSourceUrls.Malformed"},
      {{{"DstUrl", ""}}, "MissingDstUrl"},
      {{{"DstUrl", "http://dst.example.com/live/out"}}, "InvalidDstUrl.Malformed"},
      {{{"DstUrl", "rtmp://dst.example.com/live/" + std::string(2000, 'x')}},
       "InvalidDstUrl.Malformed"},
      {{{"DstUrl", "rtmp://10.0.0.1/live/out"}}, "InvalidDstUrl.Unsafe"},
      {{{"CallbackUrl", "ftp://hooks.example.net/"}}, "InvalidCallbackUrl.Malformed"},
      {{{"CallbackUrl", "http://192.168.0.1/hook"}}, "InvalidCallbackUrl.Unsafe"},
      {{{"RepeatNumber", "-2"}}, "InvalidRepeatNumber.Malformed"},
      {{{"Offset", "-1"}}, "InvalidOffset.Malformed"},
      {{{"Offset", "1.5"}}, "InvalidOffset.Malformed"},
      {{{"FileIndex", "1"}}, "InvalidFileIndex.Malformed"},
      {{{"RetryCount", "31"}}, "InvalidRetryCount.Malformed"},
      {{{"RetryInterval", "59"}}, "InvalidRetryInterval.Malformed"},
      {{{"RetryInterval", "301"}}, "InvalidRetryInterval.Malformed"},
  };
  for (const auto& [extra, code] : cases) {
    EXPECT_EQ(Code(Call(&actions::CreateLivePullToPush, LiveTask(extra))), code)
        << extra.begin()->first << "=" << extra.begin()->second;
  }
  EXPECT_EQ(tasks_->ListAll()->size(), 0u);
  EXPECT_TRUE(listener_.changed.empty());
}

TEST_F(RelayActionsTest, UrlSourcesTakeUpToThirtyUrlsOfTheirSchemes) {
  json urls = json::array();
  for (int i = 0; i < 31; ++i)
    urls.push_back("http://files.example.com/" + std::to_string(i) + ".mp4");
  ParamMap p = LiveTask({{"SourceType", "url"}, {"SourceUrls", urls.dump()}});
  EXPECT_EQ(Code(Call(&actions::CreateLivePullToPush, p)), "InvalidSourceUrls.Malformed");
  urls.erase(30);
  p["SourceUrls"] = urls.dump();
  p["FileIndex"] = "29";
  std::string id = Create(p);
  EXPECT_EQ(Describe(id)["TaskInfo"]["SourceUrls"].size(), 30u);
  EXPECT_EQ(Describe(id)["CurrentFileIndex"], 29);
  // file: sources need a media root.
  p = LiveTask({{"SourceType", "url"},
                {"SourceUrls", R"(["file:///srv/media/a.mp4"])"},
                {"DstUrl", "rtmp://dst.example.com/live/other"}});
  EXPECT_EQ(Code(Call(&actions::CreateLivePullToPush, p)), "InvalidSourceUrls.Unsafe");
}

TEST_F(RelayActionsTest, RetryIntervalMinimumFollowsTheTestingConfig) {
  deps_->relay.min_retry_interval_s = 1;
  std::string id = Create(LiveTask({{"RetryInterval", "1"}}));
  EXPECT_EQ(Describe(id)["TaskInfo"]["RetryInterval"], 1);
}

TEST_F(RelayActionsTest, DstUrlIsUniqueAndTheTaskLimitHolds) {
  Create(LiveTask());
  EXPECT_EQ(Code(Call(&actions::CreateLivePullToPush, LiveTask())), "CodeConfigAlreadyExists");
  Create(LiveTask(), b_);  // another account's task is no conflict
  Create(LiveTask({{"DstUrl", "rtmp://dst.example.com/live/2"}}));
  Create(LiveTask({{"DstUrl", "rtmp://dst.example.com/live/3"}}));
  EXPECT_EQ(Code(Call(&actions::CreateLivePullToPush,
                      LiveTask({{"DstUrl", "rtmp://dst.example.com/live/4"}}))),
            "CodeNotEnoughResource");
}

TEST_F(RelayActionsTest, TasksAreInvisibleToOtherAccounts) {
  std::string id = Create(LiveTask());
  ParamMap by_id = {{"Region", "cn-shanghai"}, {"TaskId", id}};
  for (auto action : {&actions::DescribeLivePullToPush, &actions::DeleteLivePullToPush,
                      &actions::StopLivePullToPush, &actions::RestartLivePullToPush,
                      &actions::UpdateLivePullToPush}) {
    EXPECT_EQ(Code(Call(action, by_id, b_)), "InvalidTask.NotFound");
  }
  auto list = Call(&actions::DescribeLivePullToPushList, {{"Region", "cn-shanghai"}}, b_);
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ((*list)["Total"], 0);
  EXPECT_EQ((*list)["TaskList"], json::array());
  EXPECT_EQ(Describe(id)["TaskStatus"], 0);
}

TEST_F(RelayActionsTest, StopAndRestartHaveNoEffectBeforeStartTime) {
  std::string id = Create(LiveTask());
  auto stop = Command(&actions::StopLivePullToPush, id);
  ASSERT_TRUE(stop.has_value());
  EXPECT_EQ(*stop, (json{{"TaskId", id}}));
  EXPECT_EQ(Code(Command(&actions::RestartLivePullToPush, id)), "OK");
  EXPECT_EQ(Describe(id)["TaskStatus"], 0);
  EXPECT_EQ(listener_.changed.size(), 1u);  // only the creation
}

TEST_F(RelayActionsTest, StopTakesAStartedTaskOfflineAndRestartBringsItBack) {
  std::string id = Create(LiveTask());
  clock_.AdvanceMs(kHour);  // StartTime
  ASSERT_EQ(Code(Command(&actions::StopLivePullToPush, id)), "OK");
  json d = Describe(id);
  EXPECT_EQ(d["TaskStatus"], 3);
  EXPECT_EQ(d["TaskInvalidReason"], "TriggerByUser");
  EXPECT_EQ(listener_.changed.back().status, 3);
  ASSERT_EQ(Code(Command(&actions::RestartLivePullToPush, id)), "OK");
  d = Describe(id);
  EXPECT_EQ(d["TaskStatus"], 0);
  EXPECT_EQ(d["TaskInvalidReason"], "");
  EXPECT_EQ(listener_.changed.back().restarts, 1);
}

TEST_F(RelayActionsTest, UpdateFollowsTheStatusRules) {
  std::string id = Create(
      LiveTask({{"SourceType", "url"}, {"SourceUrls", R"(["http://f.example.com/a.mp4"])"}}));
  // Idle: everything, including StartTime.
  ASSERT_EQ(Code(Command(&actions::UpdateLivePullToPush, id,
                         {{"StartTime", "2026-01-01T00:30:00Z"},
                          {"SourceUrls.1", "http://f.example.com/b.mp4"},
                          {"SourceUrls.2", "http://f.example.com/c.mp4"},
                          {"FileIndex", "1"},
                          {"Offset", "7"},
                          {"CallbackUrl", "https://hooks.example.net/x"}})),
            "OK");
  json d = Describe(id);
  EXPECT_EQ(d["TaskInfo"]["StartTime"], "2026-01-01T00:30:00Z");
  EXPECT_EQ(d["TaskInfo"]["SourceUrls"].size(), 2u);
  EXPECT_EQ(d["CurrentFileIndex"], 1);
  EXPECT_EQ(d["CurrentOffset"], 7);
  EXPECT_EQ(d["TaskInfo"]["CallbackURL"], "https://hooks.example.net/x");
  // Offline (stopped after StartTime): all but Region; StartTime may move.
  clock_.AdvanceMs(kHour);
  ASSERT_EQ(Code(Command(&actions::StopLivePullToPush, id)), "OK");
  ASSERT_EQ(Code(Command(&actions::UpdateLivePullToPush, id,
                         {{"EndTime", "2026-01-01T05:00:00Z"}, {"Offset", "9"}})),
            "OK");
  d = Describe(id);
  EXPECT_EQ(d["TaskInfo"]["EndTime"], "2026-01-01T05:00:00Z");
  EXPECT_EQ(d["TaskInfo"]["Offset"], 9);
  EXPECT_EQ(d["CurrentOffset"], 7);  // takes effect at the restart
  // Validation errors change nothing.
  EXPECT_EQ(
      Code(Command(&actions::UpdateLivePullToPush, id, {{"EndTime", "2026-01-01T00:59:00Z"}})),
      "InvalidParam.CodeIllegalDuration");
  EXPECT_EQ(Code(Command(&actions::UpdateLivePullToPush, id, {{"FileIndex", "2"}})),
            "InvalidFileIndex.Malformed");
  EXPECT_EQ(Code(Command(&actions::UpdateLivePullToPush, id,
                         {{"SourceUrls", R"(["rtmp://f.example.com/a/b"])"}})),
            "InvalidSourceUrls.Malformed");
  EXPECT_EQ(Code(Command(&actions::UpdateLivePullToPush, id, {{"RepeatNumber", "x"}})),
            "InvalidRepeatNumber.Malformed");
  EXPECT_EQ(Describe(id)["TaskInfo"]["EndTime"], "2026-01-01T05:00:00Z");
}

TEST_F(RelayActionsTest, AfterEndTimeTheTaskIsExitedThenGone) {
  deps_->relay.exited_retention_ms = 10'000;
  std::string id = Create(LiveTask());
  clock_.SetMs(kNow + 3 * kHour);  // EndTime
  json d = Describe(id);
  EXPECT_EQ(d["TaskStatus"], -1);
  EXPECT_EQ(d["TaskExitReason"], "OverEndTime");
  EXPECT_EQ(d["TaskExitTime"], (kNow + 3 * kHour) / 1000);
  EXPECT_EQ(Code(Command(&actions::StopLivePullToPush, id)), "OK");  // no effect
  EXPECT_EQ(Code(Command(&actions::RestartLivePullToPush, id)), "InvalidTask.Exited");
  EXPECT_EQ(Code(Command(&actions::UpdateLivePullToPush, id, {{"CallbackUrl", ""}})),
            "InvalidTask.Exited");
  // The DstUrl is free again.
  Create(LiveTask({{"StartTime", "2026-01-01T04:00:00Z"}, {"EndTime", "2026-01-01T05:00:00Z"}}));
  clock_.AdvanceMs(10'000);
  EXPECT_EQ(Code(Command(&actions::DescribeLivePullToPush, id)), "InvalidTask.NotFound");
  auto list = Call(&actions::DescribeLivePullToPushList, {{"Region", "cn-shanghai"}});
  EXPECT_EQ((*list)["Total"], 1);
}

TEST_F(RelayActionsTest, DeleteRemovesAtOnceAndTellsTheScheduler) {
  std::string id = Create(LiveTask());
  auto r = Command(&actions::DeleteLivePullToPush, id);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, (json{{"RetCode", 0}, {"Description", "OK"}}));
  ASSERT_EQ(listener_.deleted.size(), 1u);
  EXPECT_EQ(listener_.deleted[0].task_id, id);
  EXPECT_EQ(Code(Command(&actions::DescribeLivePullToPush, id)), "InvalidTask.NotFound");
  EXPECT_EQ(Code(Command(&actions::DeleteLivePullToPush, id)), "InvalidTask.NotFound");
  Create(LiveTask());  // the DstUrl is free
}

TEST_F(RelayActionsTest, ListPagesAndFilters) {
  deps_->relay.max_tasks = 100;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    clock_.AdvanceMs(1);
    ids.push_back(
        Create(LiveTask({{"TaskName", i % 2 ? "news" : "sports"},
                         {"DstUrl", "rtmp://dst.example.com/live/" + std::to_string(i)}})));
  }
  auto page = Call(&actions::DescribeLivePullToPushList,
                   {{"Region", "cn-shanghai"}, {"PageNumber", "2"}, {"PageSize", "2"}});
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ((*page)["PageNumber"], 2);
  EXPECT_EQ((*page)["PageSize"], 2);
  EXPECT_EQ((*page)["Total"], 5);
  ASSERT_EQ((*page)["TaskList"].size(), 2u);
  EXPECT_EQ((*page)["TaskList"][0]["TaskId"], ids[2]);
  EXPECT_EQ((*page)["TaskList"][0]["TaskInfo"]["TaskId"], ids[2]);
  EXPECT_FALSE((*page).contains("RetCode"));
  auto news =
      Call(&actions::DescribeLivePullToPushList, {{"Region", "cn-shanghai"}, {"TaskName", "new"}});
  EXPECT_EQ((*news)["Total"], 2);
  auto dst =
      Call(&actions::DescribeLivePullToPushList, {{"Region", "cn-shanghai"}, {"DstUrl", "live/3"}});
  EXPECT_EQ((*dst)["Total"], 1);
  auto by_id = Call(&actions::DescribeLivePullToPushList,
                    {{"Region", "cn-shanghai"}, {"TaskId", ids[4].substr(20)}});
  EXPECT_EQ((*by_id)["Total"], 1);
  EXPECT_EQ(Code(Call(&actions::DescribeLivePullToPushList,
                      {{"Region", "cn-shanghai"}, {"PageSize", "101"}})),
            "InvalidPageSize.Malformed");
  EXPECT_EQ(Code(Call(&actions::DescribeLivePullToPushList,
                      {{"Region", "cn-shanghai"}, {"PageNumber", "0"}})),
            "InvalidPageNumber.Malformed");
  EXPECT_EQ(Code(Call(&actions::DescribeLivePullToPushList,
                      {{"Region", "cn-shanghai"}, {"TaskId", "a%b"}})),
            "InvalidTaskId.Malformed");
  EXPECT_EQ(Code(Call(&actions::DescribeLivePullToPushList, {})), "MissingRegion");
}

}  // namespace
}  // namespace liverec::api
