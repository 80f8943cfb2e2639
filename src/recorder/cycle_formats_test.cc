// Per-format cycles with a fake clock: CycleDuration per format, DelayTime (continue vs. close),
// one set of slices shared by several formats, held spool slices deleted once every format has
// composed them, recovery after a restart. Real 1-second TS slices made by ffmpeg; no sleeps.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "media/compose/compose_test_support.h"
#include "metadata/tenant_repository.h"
#include "recorder/cycle_manager.h"
#include "recorder/slice_finisher.h"
#include "storage/local/local_object_store.h"
#include "testing/temp_dir.h"
#include "testing/test_database.h"

namespace liverec::recorder {
namespace {

namespace fs = std::filesystem;
using media::compose::test_support::MakeSlices;
using media::ts::test_support::DecodesCleanly;
using media::ts::test_support::Probe;

constexpr int64_t kStart = 1'767'225'600'000;

struct SimulatedCrash {};

class CollectEvents final : public RecordingEvents {
 public:
  Status FileCreated(const CreatedFile& file) override {
    if (crash_next) {  // liverec dies before the call: nothing after it runs
      crash_next = false;
      throw SimulatedCrash{};
    }
    files.push_back(file);
    return Status::Ok();
  }
  bool crash_next = false;
  void StatusChanged(const StatusChange& change) override { statuses.push_back(change.status); }
  std::vector<CreatedFile> files;
  std::vector<RecordingStatus> statuses;
};

class CycleFormatsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    media_dir_ = new std::string(fs::temp_directory_path() /
                                 ("cycle_formats_media_" + std::to_string(::getpid())));
    fs::create_directories(*media_dir_);
    ts_ = new std::vector<std::string>(MakeSlices(*media_dir_, "s", 6));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*media_dir_);
    delete ts_;
    delete media_dir_;
  }

  void SetUp() override {
    ASSERT_EQ(ts_->size(), 6u);
    dir_ = tmp_.path().string();
    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    account_ = metadata::TenantRepository(*db_, clock_, random_).EnsureAccount("a")->id;
    recordings_ = std::make_unique<metadata::RecordingRepository>(*db_, clock_, random_);
    stream_id_ = recordings_->EnsureStream(account_, "a.com", "live", "s1")->id;
    store_ = std::make_unique<storage::LocalObjectStore>(dir_ + "/bucket");
    spool_ = std::make_unique<Spool>(dir_ + "/spool");
    MakeCycles();
  }

  void MakeCycles() {
    cycles_ = std::make_unique<CycleManager>(
        *recordings_, [this](const std::string&, const std::string&) { return store_.get(); },
        *spool_, clock_, random_, nullptr, &events_);
  }
  std::unique_ptr<SliceFinisher> Finisher() {
    return std::make_unique<SliceFinisher>(
        *recordings_, *cycles_,
        [this](const std::string&, const std::string&) { return store_.get(); }, *spool_, clock_);
  }

  RecordingPlan Plan(std::vector<PlanFormat> formats) {
    RecordingPlan plan{account_, stream_id_, "cfg",     "a.com", "live",
                       "s1",     "local",    "records", "",      "",
                       21600,    1,          10,        0,       std::move(formats)};
    if (const PlanFormat* m3u8 = plan.Find("m3u8")) {
      plan.playlist_template = m3u8->object_template;
      plan.slice_template = "rec/{AppName}/{StreamName}/{UnixTimestamp}_{Sequence}";
    }
    return plan;
  }
  // Puts test slice `index` into the spool as a closed slice starting at `start_ms`.
  SpoolSlice Spooled(const RecordingPlan& plan, size_t index, int64_t start_ms,
                     bool publish_start = false) {
    return SpooledFile(plan, (*ts_)[index], start_ms, publish_start);
  }
  SpoolSlice SpooledFile(const RecordingPlan& plan, const std::string& ts, int64_t start_ms,
                         bool publish_start = false) {
    SpoolSlice slice{plan,
                     "slice" + std::to_string(next_id_++),
                     start_ms,
                     start_ms + 1000,
                     0,
                     "h264",
                     "aac",
                     320,
                     240,
                     false,
                     publish_start,
                     false,
                     true};
    fs::create_directories(spool_->StreamDir(stream_id_));
    fs::copy_file(ts, spool_->ClosedPath(slice));
    EXPECT_TRUE(spool_->WriteSidecar(slice).ok());
    return slice;
  }
  // Records slices [from, to) of the test media as one publish starting at `start_ms`.
  void Publish(const RecordingPlan& plan, size_t from, size_t to, int64_t start_ms) {
    auto finisher = Finisher();
    for (size_t i = from; i < to; ++i) {
      int64_t at = start_ms + static_cast<int64_t>(i - from) * 1000;
      clock_.SetMs(std::max(clock_.NowMs(), at));
      SpoolSlice slice = Spooled(plan, i, at, i == from);
      Status status = finisher->Finish(slice);
      ASSERT_TRUE(status.ok()) << status.ToString();
    }
    ASSERT_TRUE(finisher->End().ok());
  }
  std::vector<std::string> BucketFiles(const std::string& ext) {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(dir_ + "/bucket", ec)) {
      if (e.is_regular_file() && e.path().extension() == ext) files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
  }
  size_t HeldFiles() {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(spool_->HeldRoot(), ec)) {
      if (e.is_regular_file()) ++n;
    }
    return n;
  }
  static double Duration(const std::string& path) {
    return std::stod(Probe(path)["format"]["duration"].get<std::string>());
  }

  static std::string* media_dir_;
  static std::vector<std::string>* ts_;
  liverec::testing::TempDir tmp_{"cycle_formats"};
  std::string dir_;
  FakeClock clock_{kStart};
  OsRandom random_;
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::unique_ptr<metadata::RecordingRepository> recordings_;
  std::unique_ptr<storage::LocalObjectStore> store_;
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<CycleManager> cycles_;
  CollectEvents events_;
  std::string account_;
  std::string stream_id_;
  int next_id_ = 0;
};

std::string* CycleFormatsTest::media_dir_ = nullptr;
std::vector<std::string>* CycleFormatsTest::ts_ = nullptr;

TEST(RecordingPlanJsonTest, APlanWithoutFormatsIsM3u8OnlyAndNewPlansRoundTrip) {
  RecordingPlan old{
      "a", "s", "c", "d", "live", "s1", "local", "records", "rec/{StreamName}", "rec/{Sequence}",
      900, 10,  60,  0,   {}};
  nlohmann::json json = ToJson(old);
  json.erase("formats");  // as written before MP4/FLV
  auto parsed = PlanFromJson(json);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->formats.size(), 1u);
  EXPECT_EQ(parsed->formats[0], (PlanFormat{"m3u8", "rec/{StreamName}", 900}));
  EXPECT_FALSE(parsed->ComposesFiles());

  old.formats = {{"mp4", "v/{StreamName}", 1800}, {"flv", "f/{StreamName}", 3600}};
  auto again = PlanFromJson(ToJson(old));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->formats, old.formats);
  EXPECT_TRUE(again->ComposesFiles());
  EXPECT_FALSE(again->Has("m3u8"));
}

TEST_F(CycleFormatsTest, SharedSlicesPerFormatCycleDurationAndSpoolCleanup) {
  // MP4 cycles of 3 s, FLV cycles of 100 s, over one set of six 1-second slices.
  RecordingPlan plan =
      Plan({{"mp4", "v/{StreamName}_{Sequence}", 3}, {"flv", "f/{StreamName}_{Sequence}", 100}});
  Publish(plan, 0, 6, kStart);
  // The 4th slice opened a new MP4 cycle: the first MP4 holds slices 0-2; FLV still holds them.
  ASSERT_EQ(BucketFiles(".mp4").size(), 1u);
  EXPECT_NEAR(Duration(BucketFiles(".mp4")[0]), 3.0, 0.15);
  EXPECT_EQ(HeldFiles(), 6u);
  EXPECT_TRUE(BucketFiles(".flv").empty());

  clock_.AdvanceMs(9'000);  // DelayTime (10 s) not yet passed since the publisher left
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  EXPECT_EQ(BucketFiles(".mp4").size(), 1u);
  clock_.AdvanceMs(1'000);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  auto mp4 = BucketFiles(".mp4");
  auto flv = BucketFiles(".flv");
  ASSERT_EQ(mp4.size(), 2u);
  ASSERT_EQ(flv.size(), 1u);
  EXPECT_NEAR(Duration(mp4[1]), 3.0, 0.15);
  EXPECT_NEAR(Duration(flv[0]), 6.0, 0.15);
  // Slices only MP4/FLV used were never stored nor indexed, and have left the spool.
  EXPECT_TRUE(BucketFiles(".ts").empty());
  EXPECT_TRUE(recordings_->ListStreamSlices(account_, stream_id_, 0, kStart * 2)->empty());
  EXPECT_EQ(HeldFiles(), 0u);
  EXPECT_EQ(recordings_->ListStreamRecordFiles(account_, stream_id_)->size(), 3u);
  ASSERT_EQ(events_.files.size(), 3u);
  EXPECT_EQ(events_.files[0].format, "mp4");
  EXPECT_EQ(events_.files[0].stream, "s1");
  EXPECT_EQ(events_.files[0].width, 320);
  EXPECT_EQ(events_.files[0].start_ms, kStart);
  EXPECT_EQ(events_.files[0].end_ms, kStart + 3000);
}

TEST_F(CycleFormatsTest, StatusEventsFollowDelayTimeAndFilesCarryThePublishCallbackArgs) {
  RecordingPlan plan = Plan({{"mp4", "v/{StreamName}_{Sequence}", 100}});
  plan.push_args = {{"callback_id", "7"}};
  ASSERT_TRUE(Finisher()->Begin(plan, clock_.NowMs()).ok());  // nothing open yet
  Publish(plan, 0, 2, kStart);
  cycles_->AnnounceLeave(plan);
  clock_.AdvanceMs(5'000);  // within DelayTime (10 s): the open cycle continues
  auto back = Finisher();
  ASSERT_TRUE(back->Begin(plan, clock_.NowMs()).ok());
  EXPECT_TRUE(events_.files.empty());
  ASSERT_TRUE(back->End().ok());  // and leaves again without a slice
  clock_.AdvanceMs(20'000);       // past DelayTime, even before CloseExpired ran: a new recording
  ASSERT_TRUE(Finisher()->Begin(plan, clock_.NowMs()).ok());
  EXPECT_EQ(events_.statuses,
            (std::vector<RecordingStatus>{RecordingStatus::kStarted, RecordingStatus::kPaused,
                                          RecordingStatus::kResumed, RecordingStatus::kStarted}));
  // The expired cycle was closed by the publish that did not continue it.
  EXPECT_TRUE(recordings_->ListOpenCycles()->empty());
  ASSERT_EQ(events_.files.size(), 1u);
  EXPECT_EQ(events_.files[0].push_args, (std::map<std::string, std::string>{{"callback_id", "7"}}));
  auto json = PlanFromJson(ToJson(plan));  // the args survive in the spool and cycle rows
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(json->push_args, plan.push_args);
}

TEST_F(CycleFormatsTest, AReturnWithinDelayTimeHoldsTheCyclesOpenUntilItsFirstSlice) {
  // m3u8, MP4 and FLV; the publisher is back 8 s after leaving (DelayTime 10 s) and its first
  // slice closes 30 s later: the sweep ticking meanwhile closes nothing, and the slices continue
  // every format's file.
  RecordingPlan plan = Plan({{"m3u8", "p/{StreamName}_{Sequence}", 3600},
                             {"mp4", "v/{StreamName}_{Sequence}", 3600},
                             {"flv", "f/{StreamName}_{Sequence}", 3600}});
  Publish(plan, 0, 3, kStart);
  clock_.AdvanceMs(8'000);
  auto back = Finisher();
  ASSERT_TRUE(back->Begin(plan, clock_.NowMs()).ok());
  for (int i = 0; i < 30; ++i) {
    clock_.AdvanceMs(1'000);
    ASSERT_TRUE(cycles_->CloseExpired().ok());
  }
  EXPECT_EQ(recordings_->ListOpenCycles()->size(), 3u);
  SpoolSlice slice = Spooled(plan, 3, clock_.NowMs(), true);
  ASSERT_TRUE(back->Finish(slice).ok());
  ASSERT_TRUE(back->End().ok());
  clock_.AdvanceMs(10'000);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  EXPECT_EQ(BucketFiles(".m3u8").size(), 1u);
  ASSERT_EQ(BucketFiles(".mp4").size(), 1u);
  ASSERT_EQ(BucketFiles(".flv").size(), 1u);
  EXPECT_NEAR(Duration(BucketFiles(".mp4")[0]), 4.0, 0.15);
  EXPECT_EQ(HeldFiles(), 0u);
}

TEST_F(CycleFormatsTest, RepublishWithinDelayTimeContinuesTheFileAfterItANewOne) {
  RecordingPlan plan = Plan({{"mp4", "v/{StreamName}_{Sequence}", 3600}});
  Publish(plan, 0, 3, kStart);
  clock_.AdvanceMs(9'000);  // back within DelayTime (10 s): same cycle, same file
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  Publish(plan, 0, 2, clock_.NowMs());
  EXPECT_TRUE(BucketFiles(".mp4").empty());
  EXPECT_EQ(recordings_->ListOpenCycles()->size(), 1u);
  clock_.AdvanceMs(10'000);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  auto files = BucketFiles(".mp4");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_NEAR(Duration(files[0]), 5.0, 0.15);  // both parts, timestamps continuous
  EXPECT_TRUE(DecodesCleanly(files[0]));

  clock_.AdvanceMs(60'000);  // a publish after the cycle closed starts a new file
  Publish(plan, 3, 5, clock_.NowMs());
  clock_.AdvanceMs(10'000);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  files = BucketFiles(".mp4");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(HeldFiles(), 0u);
}

TEST_F(CycleFormatsTest, PartsOfOneCycleGetDistinctNamesAndOnlyForeignObjectsMakeVariants) {
  // Slices of 320x240, 160x120, 320x240 within two seconds: three configurations, three files of
  // one cycle. The template has no times, so every part renders the same name; each part after
  // the first adds `_p<part>`, and a name taken by another object still gets `_1`.
  std::string media = dir_ + "/media";
  fs::create_directories(media);
  auto small = MakeSlices(media, "t", 1, "libx264", "aac", "160x120");
  ASSERT_EQ(small.size(), 1u);
  RecordingPlan plan = Plan({{"mp4", "v/{StreamName}", 3600}, {"flv", "f/{StreamName}", 3600}});
  const std::string foreign = "not ours";
  ASSERT_TRUE(
      store_
          ->PutBytes("v/s1_p1.mp4",
                     std::span(reinterpret_cast<const uint8_t*>(foreign.data()), foreign.size()))
          .ok());
  auto finisher = Finisher();
  const std::vector<std::string> slices = {(*ts_)[0], small[0], (*ts_)[1]};
  for (size_t i = 0; i < slices.size(); ++i) {
    int64_t at = kStart + static_cast<int64_t>(i) * 600;
    clock_.SetMs(at);
    SpoolSlice slice = SpooledFile(plan, slices[i], at, i == 0);
    ASSERT_TRUE(finisher->Finish(slice).ok());
  }
  ASSERT_TRUE(finisher->End().ok());
  clock_.AdvanceMs(10'000);
  ASSERT_TRUE(cycles_->CloseExpired().ok());

  auto mp4 = BucketFiles(".mp4");
  std::vector<std::string> expected_mp4 = {dir_ + "/bucket/v/s1.mp4", dir_ + "/bucket/v/s1_p1.mp4",
                                           dir_ + "/bucket/v/s1_p1_1.mp4",
                                           dir_ + "/bucket/v/s1_p2.mp4"};
  EXPECT_EQ(mp4, expected_mp4);
  std::vector<std::string> expected_flv = {dir_ + "/bucket/f/s1.flv", dir_ + "/bucket/f/s1_p1.flv",
                                           dir_ + "/bucket/f/s1_p2.flv"};
  EXPECT_EQ(BucketFiles(".flv"), expected_flv);
  int width = 0;
  const auto probe = Probe(dir_ + "/bucket/v/s1_p1_1.mp4");
  for (const auto& stream : probe["streams"]) {
    if (stream["codec_type"] == "video") width = stream["width"].get<int>();
  }
  EXPECT_EQ(width, 160);  // the second part, beside the foreign object
  EXPECT_EQ(recordings_->ListOpenCycles()->size(), 0u);
  EXPECT_EQ(HeldFiles(), 0u);
}

TEST_F(CycleFormatsTest, WithM3u8SlicesAreStoredAndIndexedAndMp4ReleasesTheSpool) {
  RecordingPlan plan = Plan(
      {{"m3u8", "p/{StreamName}_{Sequence}", 3600}, {"mp4", "v/{StreamName}_{Sequence}", 3600}});
  Publish(plan, 0, 4, kStart);
  EXPECT_EQ(BucketFiles(".ts").size(), 4u);
  EXPECT_EQ(recordings_->ListStreamSlices(account_, stream_id_, 0, kStart * 2)->size(), 4u);
  EXPECT_EQ(HeldFiles(), 4u);  // the MP4 cycle composes from the spool copies
  clock_.AdvanceMs(10'000);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  EXPECT_EQ(BucketFiles(".m3u8").size(), 1u);
  ASSERT_EQ(BucketFiles(".mp4").size(), 1u);
  EXPECT_NEAR(Duration(BucketFiles(".mp4")[0]), 4.0, 0.15);
  EXPECT_EQ(HeldFiles(), 0u);
  EXPECT_EQ(events_.files.size(), 2u);
}

TEST_F(CycleFormatsTest, CloseStreamNowClosesEveryFormatWithoutWaitingDelayTime) {
  RecordingPlan plan = Plan(
      {{"m3u8", "p/{StreamName}_{Sequence}", 3600}, {"mp4", "v/{StreamName}_{Sequence}", 3600}});
  Publish(plan, 0, 3, kStart);
  // Another stream's open cycle is not touched.
  std::string other_id = recordings_->EnsureStream(account_, "a.com", "live", "s2")->id;
  RecordingPlan other = plan;
  other.stream_id = other_id;
  other.stream = "s2";
  ASSERT_TRUE(cycles_->Attach(other, "mp4", kStart).has_value());
  ASSERT_EQ(recordings_->ListOpenCycles()->size(), 3u);

  ASSERT_TRUE(cycles_->CloseStreamNow(account_, stream_id_).ok());  // no clock advance
  EXPECT_EQ(BucketFiles(".m3u8").size(), 1u);
  ASSERT_EQ(BucketFiles(".mp4").size(), 1u);
  EXPECT_NEAR(Duration(BucketFiles(".mp4")[0]), 3.0, 0.15);
  EXPECT_EQ(HeldFiles(), 0u);
  auto open = recordings_->ListOpenCycles();
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].stream_id, other_id);
  // A publish after it starts new files.
  Publish(plan, 3, 5, clock_.NowMs() + 1000);
  ASSERT_TRUE(cycles_->CloseStreamNow(account_, stream_id_).ok());
  EXPECT_EQ(BucketFiles(".m3u8").size(), 2u);
  EXPECT_EQ(BucketFiles(".mp4").size(), 2u);
}

TEST_F(CycleFormatsTest, AfterARestartHeldSlicesAreComposedAndOrphansSwept) {
  RecordingPlan plan = Plan({{"flv", "f/{StreamName}_{Sequence}", 3600}});
  Publish(plan, 0, 3, kStart);
  // An orphan (a crash after composing, before deleting) and a composition leftover.
  fs::copy_file((*ts_)[0], spool_->HeldPath(stream_id_, "orphan"));
  fs::create_directories(spool_->ComposeRoot());
  fs::copy_file((*ts_)[0], spool_->ComposePath("x", 0, "flv") + ".tmp");
  MakeCycles();  // "restart"
  ASSERT_TRUE(recordings_->MarkAllCyclesNotLive().ok());
  ASSERT_TRUE(cycles_->SweepSpool().ok());
  EXPECT_EQ(HeldFiles(), 3u);
  EXPECT_FALSE(fs::exists(spool_->ComposeRoot()));
  clock_.AdvanceMs(10'000);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  auto files = BucketFiles(".flv");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_NEAR(Duration(files[0]), 3.0, 0.15);
  EXPECT_EQ(HeldFiles(), 0u);
}

TEST_F(CycleFormatsTest, AnMp4StoredBeforeACrashIsAnnouncedOnceAndNotComposedAgain) {
  RecordingPlan plan = Plan({{"mp4", "v/{StreamName}_{Sequence}", 3600}});
  Publish(plan, 0, 3, kStart);
  events_.crash_next = true;  // after the MP4 is stored and its row written
  clock_.AdvanceMs(10'000);
  EXPECT_THROW((void)cycles_->CloseExpired(), SimulatedCrash);
  ASSERT_EQ(BucketFiles(".mp4").size(), 1u);
  auto stored = recordings_->ListStreamRecordFiles(account_, stream_id_);
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_FALSE((*stored)[0].announced);
  EXPECT_EQ(recordings_->ListOpenCycles()->size(), 1u);
  EXPECT_EQ(HeldFiles(), 3u);

  MakeCycles();  // "restart"
  ASSERT_TRUE(recordings_->MarkAllCyclesNotLive().ok());
  ASSERT_TRUE(cycles_->AnnouncePending().ok());
  ASSERT_EQ(events_.files.size(), 1u);
  EXPECT_EQ(events_.files[0].record_id, (*stored)[0].id);
  EXPECT_EQ(events_.files[0].object_key, (*stored)[0].object_key);
  EXPECT_EQ(events_.files[0].format, "mp4");
  EXPECT_EQ(events_.files[0].domain, "a.com");
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  EXPECT_EQ(BucketFiles(".mp4").size(), 1u) << "not composed again";
  EXPECT_TRUE(recordings_->ListOpenCycles()->empty());
  EXPECT_EQ(HeldFiles(), 0u);
  EXPECT_EQ(events_.files.size(), 1u);
  EXPECT_TRUE(recordings_->ListUnannouncedRecordFiles()->empty());
}

}  // namespace
}  // namespace liverec::recorder
