// The stream callback config actions and the live list, called directly with an ActionContext
// over an in-memory database and a StreamRegistry (docs/api/streams.md).
#include <gtest/gtest.h>

#include "api/actions/actions.h"
#include "testing/test_database.h"

namespace liverec::api {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

class StreamsActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    tenants_ = std::make_unique<metadata::TenantRepository>(*db_, clock_, random_);
    record_configs_ = std::make_unique<metadata::RecordConfigRepository>(*db_);
    configs_ = std::make_unique<metadata::StreamsNotifyConfigRepository>(*db_);
    a_ = tenants_->EnsureAccount("default")->id;
    b_ = tenants_->EnsureAccount("b")->id;
    ASSERT_TRUE(tenants_->ReplaceDomains({{b_, "b.example.com", {"push.b.example.com"}}}).ok());
    deps_ = std::make_unique<ApiDependencies>(
        ApiDependencies{clock_, random_, *tenants_, *record_configs_, {}});
    deps_->streams = {&registry_, configs_.get()};
    // Names resolve to a public address; literals are judged as they are.
    deps_->notify.resolve = [](const std::string&) {
      return std::vector<std::string>{"203.0.113.5"};
    };
  }

  Result<json> Call(Result<json> (*action)(ActionContext&, const Params&), ParamMap params,
                    const std::string& account = "") {
    ActionContext context{*deps_, Caller{account.empty() ? a_ : account, "key"}, clock_.NowMs(),
                          "request-id"};
    return action(context, Params(std::move(params)));
  }

  std::string Code(const Result<json>& r) { return r ? "OK" : r.error().PublicCode(); }

  ingest::LiveStream Live(const std::string& account, const std::string& app,
                          const std::string& stream, int64_t publish_ms) {
    ingest::LiveStream s;
    s.account_id = account;
    s.domain = "example.com";
    s.app = app;
    s.stream = stream;
    s.ingest_domain = "push.example.com";
    s.client_ip = "10.0.0.7";
    s.server_ip = "127.0.0.1";
    s.publish_time_ms = publish_ms;
    s.stats = {media::CodecId::kH264, media::CodecId::kAac, 1280, 720, 25, 1998, 129};
    return s;
  }

  FakeClock clock_{kNow};
  OsRandom random_;
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::unique_ptr<metadata::TenantRepository> tenants_;
  std::unique_ptr<metadata::RecordConfigRepository> record_configs_;
  std::unique_ptr<metadata::StreamsNotifyConfigRepository> configs_;
  ingest::StreamRegistry registry_;
  std::unique_ptr<ApiDependencies> deps_;
  std::string a_, b_;
};

const auto kSet = &actions::SetLiveStreamsNotifyUrlConfig;
const auto kDescribe = &actions::DescribeLiveStreamsNotifyUrlConfig;
const auto kDelete = &actions::DeleteLiveStreamsNotifyUrlConfig;
const auto kOnline = &actions::DescribeLiveStreamsOnlineList;

TEST_F(StreamsActionsTest, SetReplacesTheWholeConfigAndDescribeEchoesIt) {
  ASSERT_EQ(Code(Call(kSet, {{"DomainName", "push.example.com"},
                             {"NotifyUrl", "http://hooks.example.net/streams"},
                             {"NotifyReqAuth", "YES"},
                             {"NotifyAuthKey", std::string(64, 'k')},
                             {"ExceptionNotifyUrl", "https://hooks.example.net/exception"},
                             {"SwitchNotifyUrl", "http://hooks.example.net/switch"}})),
            "OK");
  auto described = Call(kDescribe, {{"DomainName", "push.example.com"}});
  ASSERT_TRUE(described.has_value());
  EXPECT_EQ((*described)["LiveStreamsNotifyConfig"],
            (json{{"DomainName", "push.example.com"},
                  {"NotifyUrl", "http://hooks.example.net/streams"},
                  {"NotifyReqAuth", "yes"},
                  {"NotifyAuthKey", std::string(64, 'k')},
                  {"ExceptionNotifyUrl", "https://hooks.example.net/exception"},
                  {"SwitchNotifyUrl", "http://hooks.example.net/switch"}}));
  // A second Set with only the URL: everything else back to its default.
  ASSERT_EQ(Code(Call(kSet, {{"DomainName", "push.example.com"},
                             {"NotifyUrl", "http://hooks.example.net/v2"}})),
            "OK");
  EXPECT_EQ((*Call(kDescribe, {{"DomainName", "push.example.com"}}))["LiveStreamsNotifyConfig"],
            (json{{"DomainName", "push.example.com"},
                  {"NotifyUrl", "http://hooks.example.net/v2"},
                  {"NotifyReqAuth", "no"},
                  {"NotifyAuthKey", ""},
                  {"ExceptionNotifyUrl", ""},
                  {"SwitchNotifyUrl", ""}}));
  ASSERT_EQ(Code(Call(kDelete, {{"DomainName", "push.example.com"}})), "OK");
  EXPECT_EQ(Code(Call(kDescribe, {{"DomainName", "push.example.com"}})), "InvalidConfig.NotFound")
      << "no config";
  EXPECT_EQ(Code(Call(kDelete, {{"DomainName", "push.example.com"}})), "InvalidConfig.NotFound");
}

TEST_F(StreamsActionsTest, EveryParameterErrorAndNothingStoredByAFailedSet) {
  const ParamMap base{{"DomainName", "push.example.com"}, {"NotifyUrl", "http://a.example.net/"}};
  auto with = [&](ParamMap change) {
    ParamMap p = base;
    for (auto& [k, v] : change) p[k] = v;
    return Code(Call(kSet, p));
  };
  EXPECT_EQ(Code(Call(kSet, {{"NotifyUrl", "http://a.example.net/"}})), "MissingDomainName");
  EXPECT_EQ(Code(Call(kSet, {{"DomainName", "push.example.com"}})), "MissingNotifyUrl");
  EXPECT_EQ(with({{"DomainName", "bad_domain!"}}), "InvalidDomainName.Malformed");
  EXPECT_EQ(with({{"NotifyUrl", "ftp://a.example.net/"}}), "InvalidNotifyUrl.Malformed");
  EXPECT_EQ(with({{"NotifyUrl", "http://127.0.0.1:8080/cb"}}), "InvalidNotifyUrl.Unsafe");
  EXPECT_EQ(with({{"ExceptionNotifyUrl", "nope"}}), "InvalidExceptionNotifyUrl.Malformed");
  EXPECT_EQ(with({{"ExceptionNotifyUrl", "http://10.1.2.3/"}}), "InvalidExceptionNotifyUrl.Unsafe");
  EXPECT_EQ(with({{"SwitchNotifyUrl", "http://"}}), "InvalidSwitchNotifyUrl.Malformed");
  EXPECT_EQ(with({{"SwitchNotifyUrl", "http://localhost/"}}), "InvalidSwitchNotifyUrl.Unsafe");
  EXPECT_EQ(with({{"NotifyReqAuth", "true"}}), "InvalidParameter") << "yes or no only";
  EXPECT_EQ(with({{"NotifyReqAuth", "yes"}}), "MissingNotifyAuthKey");
  EXPECT_EQ(with({{"NotifyReqAuth", "yes"}, {"NotifyAuthKey", std::string(15, 'k')}}),
            "InvalidNotifyAuthKey.Malformed");
  EXPECT_EQ(with({{"NotifyReqAuth", "yes"}, {"NotifyAuthKey", std::string(65, 'k')}}),
            "InvalidNotifyAuthKey.Malformed");
  EXPECT_EQ(with({{"NotifyAuthKey", "has-dash-0123456789"}}), "InvalidNotifyAuthKey.Malformed");
  for (auto action : {kDescribe, kDelete}) EXPECT_EQ(Code(Call(action, {})), "MissingDomainName");
  EXPECT_EQ(Code(Call(kDescribe, {{"DomainName", "push.example.com"}})), "InvalidConfig.NotFound")
      << "nothing stored";
  deps_->notify.allow_private_addresses = true;
  EXPECT_EQ(with({{"NotifyUrl", "http://127.0.0.1:8080/cb"}}), "OK")
      << "[callbacks] allow_private_addresses lets loopback receivers in";
}

TEST_F(StreamsActionsTest, DeclaredDomainsAndTheirAliasesBelongToTheirAccountOnly) {
  ParamMap set{{"DomainName", "push.b.example.com"}, {"NotifyUrl", "http://b.example.net/"}};
  EXPECT_EQ(Code(Call(kSet, set, b_)), "OK") << "b's own alias";
  set["DomainName"] = "b.example.com";
  EXPECT_EQ(Code(Call(kSet, set, b_)), "OK") << "b's own domain";
  for (const char* domain : {"push.b.example.com", "b.example.com"}) {
    EXPECT_EQ(Code(Call(kDescribe, {{"DomainName", domain}})), "InvalidDomain.NotFound") << domain;
    EXPECT_EQ(Code(Call(kSet, {{"DomainName", domain}, {"NotifyUrl", "http://a.example.net/"}})),
              "InvalidDomain.NotFound");
    EXPECT_EQ(Code(Call(kDelete, {{"DomainName", domain}})), "InvalidDomain.NotFound");
  }
  EXPECT_EQ(Code(Call(kDescribe, {{"DomainName", "undeclared.example.com"}}, b_)),
            "InvalidDomain.NotFound")
      << "an account that declares domains may use only those";
  EXPECT_EQ(Code(Call(kDescribe, {{"DomainName", "undeclared.example.com"}})),
            "InvalidConfig.NotFound")
      << "usable (no config there yet)";
}

TEST_F(StreamsActionsTest, OnlineListShowsTheCallersStreamsWithTheCloudsFields) {
  ASSERT_TRUE(registry_.TryAcquire(Live(a_, "live", "s1", kNow - 60'000)));
  ingest::LiveStream audio_only = Live(a_, "radio", "r1", kNow);
  audio_only.stats = {media::CodecId::kUnknown, media::CodecId::kMp3, 0, 0, 0, 0, 128};
  ASSERT_TRUE(registry_.TryAcquire(audio_only));
  ASSERT_TRUE(registry_.TryAcquire(Live(b_, "live", "other", kNow)));  // b's, same domain
  auto r = Call(kOnline, {{"DomainName", "example.com"}});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ((*r)["TotalNum"], 2);
  EXPECT_EQ((*r)["TotalPage"], 1);
  EXPECT_EQ((*r)["PageNum"], 1);
  EXPECT_EQ((*r)["PageSize"], 2000);
  const json& list = (*r)["OnlineInfo"]["LiveStreamOnlineInfo"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0], (json{{"DomainName", "example.com"},
                           {"AppName", "live"},
                           {"StreamName", "s1"},
                           {"PublishTime", "2025-12-31T23:59:00Z"},
                           {"PublishDomain", "push.example.com"},
                           {"PublishUrl", "rtmp://push.example.com/live/s1"},
                           {"PublishType", "edge"},
                           {"Transcoded", "no"},
                           {"ClientIp", "10.0.0.7"},
                           {"ServerIp", "127.0.0.1"},
                           {"VideoCodecId", 7},
                           {"AudioCodecId", 10},
                           {"Width", 1280},
                           {"Height", 720},
                           {"FrameRate", 25},
                           {"VideoDataRate", 1998},
                           {"AudioDataRate", 129}}));
  EXPECT_EQ(list[1]["AppName"], "radio");
  EXPECT_EQ(list[1]["VideoCodecId"], 0) << "no video";
  EXPECT_EQ(list[1]["AudioCodecId"], 2) << "MP3";
  auto b_list = Call(kOnline, {{"DomainName", "example.com"}}, b_);
  EXPECT_EQ(Code(b_list), "InvalidDomain.NotFound") << "b declares domains; example.com is not one";
}

TEST_F(StreamsActionsTest, OnlineListSaysWhetherEachStreamIsBeingRecorded) {
  recorder::LiveControls controls(*record_configs_, clock_);
  deps_->live_controls = &controls;
  metadata::RecordConfig config;
  config.formats.push_back({});
  auto control = [&](const std::string& stream) {
    ingest::LiveStream live = Live(a_, "live", stream, kNow);
    EXPECT_TRUE(registry_.TryAcquire(live));
    auto made = std::make_shared<recorder::LiveControl>(live.Key());
    controls.Register(recorder::LiveControls::Key(a_, "example.com", "live", stream), made);
    return made;
  };
  auto idle = control("idle");
  idle->AutoStart(config, false, "publish");
  idle->WindowClosed();  // its time window closed: idle again
  control("recording")->AutoStart(config, false, "publish");
  auto stopped = control("stopped");
  stopped->AutoStart(config, false, "publish");
  ASSERT_TRUE(stopped->Command(recorder::RecordCommand::kStop, std::nullopt).ok());
  ASSERT_TRUE(registry_.TryAcquire(Live(a_, "live", "untracked", kNow)));  // no recording task
  auto status = [&](ParamMap params = {}) {
    params["DomainName"] = "example.com";
    auto r = Call(kOnline, params);
    std::vector<std::string> out;
    if (!r) return std::vector<std::string>{r.error().PublicCode()};
    for (const auto& s : (*r)["OnlineInfo"]["LiveStreamOnlineInfo"]) {
      out.push_back(s["StreamName"].get<std::string>() + ":" + s.value("RecordStatus", "-"));
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(status(), (V{"idle:idle", "recording:recording", "stopped:stopped", "untracked:idle"}));
  ASSERT_TRUE(stopped->Command(recorder::RecordCommand::kStart, config).ok());
  EXPECT_EQ(status({{"StreamName", "stopped"}}), V{"stopped:recording"}) << "at once";
  EXPECT_EQ(status({{"StreamName", "stopped"}, {"OnlyStream", "yes"}}), V{"stopped:-"});
}

TEST_F(StreamsActionsTest, OnlineListFiltersAndPages) {
  for (const char* name : {"cam1", "cam10", "cam2", "lobby"}) {
    ASSERT_TRUE(registry_.TryAcquire(Live(a_, "live", name, kNow)));
  }
  ASSERT_TRUE(registry_.TryAcquire(Live(a_, "live2", "cam1", kNow)));
  auto names = [&](ParamMap params) {
    params["DomainName"] = "example.com";
    auto r = Call(kOnline, params);
    std::vector<std::string> out;
    if (!r) return std::vector<std::string>{r.error().PublicCode()};
    for (const auto& s : (*r)["OnlineInfo"]["LiveStreamOnlineInfo"]) {
      out.push_back(s["AppName"].get<std::string>() + "/" + s["StreamName"].get<std::string>());
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names({{"AppName", "live"}, {"StreamName", "cam1"}}), (V{"live/cam1", "live/cam10"}))
      << "fuzzy by default: a substring";
  EXPECT_EQ(names({{"StreamName", "am1"}, {"QueryType", "strict"}}), V{});
  EXPECT_EQ(names({{"StreamName", "cam1"}, {"QueryType", "Strict"}}),
            (V{"live/cam1", "live2/cam1"}));
  EXPECT_EQ(names({{"AppName", "liv"}}), V{}) << "AppName matches exactly";
  EXPECT_EQ(names({{"PageSize", "2"}, {"PageNum", "2"}}), (V{"live/cam2", "live/lobby"}));
  EXPECT_EQ(names({{"PageSize", "2"}, {"PageNum", "4"}}), V{}) << "past the end: empty";
  EXPECT_EQ(names({{"StreamType", "trans"}}), V{}) << "liverec does not transcode";
  EXPECT_EQ(names({{"StreamType", "raw"}}).size(), 5u);
  auto only = Call(kOnline, {{"DomainName", "example.com"}, {"OnlyStream", "yes"}});
  ASSERT_TRUE(only.has_value());
  EXPECT_EQ((*only)["OnlineInfo"]["LiveStreamOnlineInfo"][0].size(), 4u)
      << "DomainName, AppName, StreamName, PublishTime";
  auto paged = Call(kOnline, {{"DomainName", "example.com"}, {"PageSize", "2"}});
  EXPECT_EQ((*paged)["TotalNum"], 5);
  EXPECT_EQ((*paged)["TotalPage"], 3);

  EXPECT_EQ(names({{"PageSize", "3001"}}), V{"InvalidPageSize.Malformed"});
  EXPECT_EQ(names({{"PageSize", "0"}}), V{"InvalidPageSize.Malformed"});
  EXPECT_EQ(names({{"PageNum", "0"}}), V{"InvalidPageNum.Malformed"});
  EXPECT_EQ(names({{"QueryType", "prefix"}}), V{"InvalidParameter"});
  EXPECT_EQ(names({{"OnlyStream", "true"}}), V{"InvalidParameter"});
  EXPECT_EQ(names({{"StreamType", "hd"}}), V{"InvalidParameter"});
  EXPECT_EQ(Code(Call(kOnline, {})), "MissingDomainName");
  EXPECT_EQ(Code(Call(kOnline, {{"DomainName", "bad_domain!"}})), "InvalidDomainName.Malformed");
}

}  // namespace
}  // namespace liverec::api
