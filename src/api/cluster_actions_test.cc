// RealTimeRecordCommand, ForbidLiveStream and DescribeLiveStreamsOnlineList in cluster mode, on two
// nodes over one database (docs/cluster.md "Live streams and commands across nodes"): the API is
// called on node b; node a publishes. Time is a FakeClock: node b's wait for an answer advances it,
// and node a serves its commands meanwhile (or not, when a test says so).
#include <gtest/gtest.h>

#include "api/actions/actions.h"
#include "api/online_streams.h"
#include "api/stream_moderation.h"
#include "metadata/lease_repository.h"
#include "testing/test_database.h"

namespace liverec::api {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr int64_t kLeaseMs = 10'000;

// One node: its registry, recording controls, directory and command channel.
struct Node {
  Node(metadata::SqlDatabase& db, metadata::RecordConfigRepository& configs, const Clock& clock,
       RandomSource& random, const std::string& id)
      : controls(configs, clock),
        directory(db, clock, id, "holder-" + id),
        channel(db, clock, random, cluster::CommandOptions{id, 1000}) {
    HandleRemoteRecordCommands(channel, controls);
    HandleRemoteForbidCommands(channel, registry);
  }
  ingest::StreamRegistry registry;
  recorder::LiveControls controls;
  cluster::StreamDirectory directory;
  cluster::CommandChannel channel;
};

class ClusterActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    tenants_ = std::make_unique<metadata::TenantRepository>(*db_, clock_, random_);
    record_configs_ = std::make_unique<metadata::RecordConfigRepository>(*db_);
    account_ = tenants_->EnsureAccount("default")->id;
    a_ = std::make_unique<Node>(*db_, *record_configs_, clock_, random_, "a");
    b_ = std::make_unique<Node>(*db_, *record_configs_, clock_, random_, "b");
    RenewLeases();
    deps_ = std::make_unique<ApiDependencies>(
        ApiDependencies{clock_, random_, *tenants_, *record_configs_, {}});
    blocks_ = std::make_unique<metadata::StreamBlockRepository>(*db_);
    deps_->streams = {&b_->registry, nullptr, blocks_.get()};
    deps_->live_controls = &b_->controls;
    deps_->cluster = {&b_->directory, &b_->channel};
    b_->channel.SetWaitForTest([this](const std::string&, int64_t ms) {
      clock_.AdvanceMs(ms);
      if (a_serves_) {
        ASSERT_TRUE(a_->channel.Serve().has_value());
      }
    });
  }

  void RenewLeases(bool a = true) {
    metadata::LeaseRepository leases(*db_, clock_);
    if (a) {
      ASSERT_TRUE(leases.Acquire({"node", "a"}, "holder-a", kLeaseMs).has_value());
    }
    ASSERT_TRUE(leases.Acquire({"node", "b"}, "holder-b", kLeaseMs).has_value());
  }

  static ingest::LiveStream Live(const std::string& account, const std::string& app,
                                 const std::string& stream) {
    ingest::LiveStream s;
    s.account_id = account;
    s.domain = "example.com";
    s.app = app;
    s.stream = stream;
    s.ingest_domain = "push.example.com";
    s.client_ip = "10.0.0.7";
    s.server_ip = "10.0.0.1";
    s.publish_time_ms = kNow;
    s.stats = {media::CodecId::kH264, media::CodecId::kAac, 1280, 720, 25, 1998, 129};
    return s;
  }

  // A publish on `node`: in its registry, its controls and (written at once) the directory.
  std::shared_ptr<recorder::LiveControl> Publish(Node& node, const std::string& app,
                                                 const std::string& stream) {
    ingest::LiveStream live = Live(account_, app, stream);
    EXPECT_TRUE(node.registry.TryAcquire(live));
    node.directory.Published(OnlineRowOf(live));
    EXPECT_TRUE(node.directory.WriteRound().ok());
    auto control = std::make_shared<recorder::LiveControl>(live.Key());
    node.controls.Register(recorder::LiveControls::Key(account_, "example.com", app, stream),
                           control);
    return control;
  }

  Result<json> Command(const std::string& stream, const std::string& command) {
    start_ms_ = clock_.NowMs();
    ActionContext context{*deps_, Caller{account_, "key"}, clock_.NowMs(), "request-id"};
    return actions::RealTimeRecordCommand(context, Params({{"DomainName", "example.com"},
                                                           {"AppName", "live"},
                                                           {"StreamName", stream},
                                                           {"Command", command}}));
  }

  Result<json> Forbid(const std::string& stream, const std::string& oneshot = "no") {
    ActionContext context{*deps_, Caller{account_, "key"}, clock_.NowMs(), "request-id"};
    return actions::ForbidLiveStream(context, Params({{"DomainName", "example.com"},
                                                      {"AppName", "live"},
                                                      {"StreamName", stream},
                                                      {"LiveStreamType", "publisher"},
                                                      {"Oneshot", oneshot}}));
  }
  bool Blocked(const std::string& stream) {
    auto found = blocks_->Find(account_, "example.com", "live", stream, clock_.NowMs());
    return found && found->has_value();
  }

  Result<json> Online(ParamMap params = {}) {
    params["DomainName"] = "example.com";
    ActionContext context{*deps_, Caller{account_, "key"}, clock_.NowMs(), "request-id"};
    return actions::DescribeLiveStreamsOnlineList(context, Params(std::move(params)));
  }

  std::vector<std::string> Listed(const Result<json>& r) {
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    std::vector<std::string> names;
    if (!r) return names;
    for (const auto& s : (*r)["OnlineInfo"]["LiveStreamOnlineInfo"]) {
      names.push_back(s["AppName"].get<std::string>() + "/" + s["StreamName"].get<std::string>());
    }
    return names;
  }

  int64_t CommandRows() {
    return metadata::AsInt(db_->Query("SELECT COUNT(*) FROM stream_commands")->at(0).at(0));
  }
  std::string Code(const Result<json>& r) { return r ? "OK" : r.error().PublicCode(); }

  FakeClock clock_{kNow};
  OsRandom random_;
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::unique_ptr<metadata::TenantRepository> tenants_;
  std::unique_ptr<metadata::RecordConfigRepository> record_configs_;
  std::string account_;
  std::unique_ptr<Node> a_, b_;
  std::unique_ptr<ApiDependencies> deps_;
  std::unique_ptr<metadata::StreamBlockRepository> blocks_;
  bool a_serves_ = true;
  int64_t start_ms_ = 0;
};

TEST_F(ClusterActionsTest, ACommandForAStreamLiveOnAnotherNodeRunsThereAndIsAnswered) {
  auto control = Publish(*a_, "live", "s1");
  control->AutoStart(metadata::RecordConfig{}, false, "test");
  auto stopped = Command("s1", "stop");
  ASSERT_TRUE(stopped.has_value()) << stopped.error().ToString();
  EXPECT_EQ(*stopped, json::object());
  EXPECT_EQ(control->state(), recorder::TaskState::kStopped) << "node a's control took it";
  EXPECT_LE(clock_.NowMs() - start_ms_, 1000);
  EXPECT_EQ(CommandRows(), 1);
}

TEST_F(ClusterActionsTest, TheOwnersAnswerComesBackAsIfTheCallWereLocal) {
  Publish(*a_, "live", "s1");
  auto stop = Command("s1", "stop");
  EXPECT_EQ(Code(stop), "InvalidTaskState");
  EXPECT_EQ(stop.error().HttpStatus(), 409);
  EXPECT_NE(stop.error().detail().find("the recording is idle"), std::string::npos)
      << stop.error().ToString();
  EXPECT_EQ(Code(Command("s1", "start")), "InvalidConfig.NotFound") << "node a read the configs";
}

TEST_F(ClusterActionsTest, AStreamLiveHereIsCommandedHereWithoutACommandRow) {
  auto control = Publish(*b_, "live", "s1");
  EXPECT_EQ(Code(Command("s1", "stop")), "InvalidTaskState");
  control->AutoStart(metadata::RecordConfig{}, false, "test");
  ASSERT_TRUE(Command("s1", "stop").has_value());
  EXPECT_EQ(CommandRows(), 0);
}

TEST_F(ClusterActionsTest, AStreamLiveNowhereIsNotFoundAsOnASingleNode) {
  auto r = Command("nowhere", "start");
  EXPECT_EQ(Code(r), "InvalidStream.NotFound");
  EXPECT_EQ(r.error().HttpStatus(), 404);
  EXPECT_EQ(CommandRows(), 0);
  EXPECT_EQ(clock_.NowMs(), kNow) << "answered without waiting";
}

TEST_F(ClusterActionsTest, AForbiddenStreamLiveOnAnotherNodeIsCutThere) {
  Publish(*a_, "live", "s1");
  auto revocation = a_->registry.RevocationOf("example.com/live/s1");
  ASSERT_NE(revocation, nullptr);
  auto forbidden = Forbid("s1");
  ASSERT_TRUE(forbidden.has_value()) << forbidden.error().ToString();
  EXPECT_TRUE(revocation->revoked()) << "node a cut its publisher";
  EXPECT_EQ(revocation->why().code(), ErrorCode::kStreamForbidden);
  EXPECT_TRUE(Blocked("s1"));
  EXPECT_LE(clock_.NowMs() - kNow, 1000);
  EXPECT_EQ(CommandRows(), 1);
}

TEST_F(ClusterActionsTest, AForbiddenStreamLiveHereIsCutHereWithoutACommandRow) {
  Publish(*b_, "live", "s1");
  auto revocation = b_->registry.RevocationOf("example.com/live/s1");
  ASSERT_TRUE(Forbid("s1", "yes").has_value());
  EXPECT_TRUE(revocation->revoked());
  EXPECT_FALSE(Blocked("s1")) << "Oneshot=yes blocks nothing";
  EXPECT_EQ(CommandRows(), 0);
}

TEST_F(ClusterActionsTest, AnotherAccountsPublisherOfTheSameNameIsNotCut) {
  ingest::LiveStream theirs = Live("another-account", "live", "s1");
  ASSERT_TRUE(b_->registry.TryAcquire(theirs));
  auto revocation = b_->registry.RevocationOf(theirs.Key());
  EXPECT_EQ(Code(Forbid("s1", "yes")), "InvalidStream.NotFound");
  EXPECT_FALSE(revocation->revoked());
}

TEST_F(ClusterActionsTest, AOneShotCutOfAStreamLiveNowhereIsNotFoundAndABlockIsWrittenAnyway) {
  EXPECT_EQ(Code(Forbid("nowhere", "yes")), "InvalidStream.NotFound");
  EXPECT_FALSE(Blocked("nowhere"));
  ASSERT_TRUE(Forbid("nowhere").has_value());
  EXPECT_TRUE(Blocked("nowhere"));
  EXPECT_EQ(CommandRows(), 0);
}

TEST_F(ClusterActionsTest, AnOwnerThatDoesNotAnswerIsATimeoutWithinOneSecond) {
  auto control = Publish(*a_, "live", "s1");
  control->AutoStart(metadata::RecordConfig{}, false, "test");
  a_serves_ = false;
  auto r = Command("s1", "stop");
  EXPECT_EQ(Code(r), "Cluster.CommandTimeout");
  EXPECT_EQ(r.error().HttpStatus(), 504);
  EXPECT_LE(clock_.NowMs() - start_ms_, 1000);
  // Withdrawn: node a serving later does not carry it out.
  ASSERT_TRUE(a_->channel.Serve().has_value());
  EXPECT_EQ(control->state(), recorder::TaskState::kRecording);
}

TEST_F(ClusterActionsTest, AStreamOfANodeWhoseLeaseLapsedIsNeitherListedNorCommanded) {
  Publish(*a_, "live", "s1");
  clock_.AdvanceMs(kLeaseMs);
  RenewLeases(/*a=*/false);
  EXPECT_EQ(Listed(Online()), std::vector<std::string>{});
  EXPECT_EQ(Code(Command("s1", "stop")), "InvalidStream.NotFound");
}

TEST_F(ClusterActionsTest, TheOnlineListHoldsEveryNodesStreamsSortedFilteredAndPaged) {
  Publish(*a_, "live", "s2");
  Publish(*a_, "app0", "x");
  Publish(*b_, "live", "s1");
  Publish(*b_, "live", "s3");
  EXPECT_EQ(Listed(Online()),
            (std::vector<std::string>{"app0/x", "live/s1", "live/s2", "live/s3"}));
  EXPECT_EQ(Listed(Online({{"AppName", "live"}, {"StreamName", "s2"}, {"QueryType", "strict"}})),
            std::vector<std::string>{"live/s2"});
  auto page = Online({{"PageSize", "3"}, {"PageNum", "2"}});
  EXPECT_EQ(Listed(page), std::vector<std::string>{"live/s3"});
  EXPECT_EQ((*page)["TotalNum"], 4);
  EXPECT_EQ((*page)["TotalPage"], 2);
  // Node a's stream shows every field the single-node list shows.
  auto full = Online({{"StreamName", "s2"}});
  const json& s2 = (*full)["OnlineInfo"]["LiveStreamOnlineInfo"][0];
  EXPECT_EQ(s2, (json{{"DomainName", "example.com"},
                      {"AppName", "live"},
                      {"StreamName", "s2"},
                      {"PublishTime", "2026-01-01T00:00:00Z"},
                      {"PublishDomain", "push.example.com"},
                      {"PublishUrl", "rtmp://push.example.com/live/s2"},
                      {"PublishType", "edge"},
                      {"Transcoded", "no"},
                      {"ClientIp", "10.0.0.7"},
                      {"ServerIp", "10.0.0.1"},
                      {"VideoCodecId", 7},
                      {"AudioCodecId", 10},
                      {"Width", 1280},
                      {"Height", 720},
                      {"FrameRate", 25},
                      {"VideoDataRate", 1998},
                      {"AudioDataRate", 129}}));
}

TEST_F(ClusterActionsTest, TheOnlineListSaysWhatEachNodeRecords) {
  auto there = Publish(*a_, "live", "s1");
  auto here = Publish(*b_, "live", "s2");
  here->AutoStart(metadata::RecordConfig{}, false, "publish");
  auto status = [&] {
    std::vector<std::string> out;
    auto r = Online();
    EXPECT_TRUE(r.has_value());
    if (!r) return out;
    for (const auto& s : (*r)["OnlineInfo"]["LiveStreamOnlineInfo"]) {
      out.push_back(s["StreamName"].get<std::string>() + ":" + s.value("RecordStatus", "-"));
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(status(), (V{"s1:-", "s2:recording"})) << "node a has not said yet";
  // Node a reports its state with its measurements (ClusterStreams does, from its controls).
  metadata::OnlineStreamRow measured = OnlineRowOf(Live(account_, "live", "s1"));
  measured.record_status = RecordStatusOf(&a_->controls, Live(account_, "live", "s1"));
  a_->directory.Measured(measured);
  ASSERT_TRUE(a_->directory.WriteRound().ok());
  EXPECT_EQ(status(), (V{"s1:idle", "s2:recording"}));
  // Started on node a through node b: a's next report says so.
  ASSERT_EQ(Code(Command("s1", "start")), "InvalidConfig.NotFound") << "no record config";
  there->AutoStart(metadata::RecordConfig{}, false, "window opened");
  measured.record_status = RecordStatusOf(&a_->controls, Live(account_, "live", "s1"));
  a_->directory.Measured(measured);
  ASSERT_TRUE(a_->directory.WriteRound().ok());
  EXPECT_EQ(status(), (V{"s1:recording", "s2:recording"}));
  EXPECT_EQ(RecordStatusOf(nullptr, Live(account_, "live", "s1")), "") << "no controls: unknown";
}

TEST(OnlineRowsTest, AStreamSurvivesTheTripThroughItsDirectoryRow) {
  ingest::LiveStream s;
  s.account_id = "acc";
  s.domain = "example.com";
  s.app = "live";
  s.stream = "s1";
  s.ingest_domain = "push.example.com";
  s.client_ip = "::1";
  s.server_ip = "";
  s.publish_time_ms = kNow;
  s.stats = {media::CodecId::kHevc, media::CodecId::kMp3, 1920, 1080, 30, 4000, 128};
  metadata::OnlineStreamRow row = OnlineRowOf(s);
  EXPECT_EQ(row.video_codec, "hevc");
  EXPECT_EQ(row.audio_codec, "mp3");
  ingest::LiveStream back = LiveStreamOf(row);
  EXPECT_EQ(back.Key(), s.Key());
  EXPECT_EQ(back.stats.video_codec, media::CodecId::kHevc);
  EXPECT_EQ(back.stats.audio_codec, media::CodecId::kMp3);
  EXPECT_EQ(back.stats.width, 1920);
  EXPECT_EQ(back.stats.audio_kbps, 128);
  EXPECT_EQ(back.client_ip, "::1");
  ingest::LiveStream none;
  EXPECT_EQ(OnlineRowOf(none).video_codec, "") << "no video (yet)";
  EXPECT_EQ(LiveStreamOf(OnlineRowOf(none)).stats.video_codec, media::CodecId::kUnknown);
}

}  // namespace
}  // namespace liverec::api
