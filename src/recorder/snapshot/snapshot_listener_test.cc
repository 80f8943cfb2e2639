#include "recorder/snapshot/snapshot_listener.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "media/ts/ts_test_support.h"
#include "storage/local/local_object_store.h"
#include "testing/database_test.h"
#include "testing/temp_dir.h"

namespace liverec::recorder::snapshot {
namespace {

using media::ts::test_support::HaveFfmpeg;
using media::ts::test_support::Media;
using media::ts::test_support::ReadFlvMedia;
using media::ts::test_support::RunCommand;

class NoListener final : public ingest::PublishListener {
 public:
  std::unique_ptr<ingest::StreamObserver> OnPublish(const ingest::PublishInfo&) override {
    ++publishes;
    return nullptr;
  }
  int publishes = 0;
};

// Collects callbacks instead of enqueuing them.
class RecordingNotifier final : public callbacks::SnapshotNotifier {
 public:
  Result<std::string> Taken(const std::string& url, const callbacks::SnapshotInfo& s) override {
    std::lock_guard lock(mutex);
    objects.push_back(url + " " + s.oss_object);
    return std::string("id");
  }
  std::mutex mutex;
  std::vector<std::string> objects;
};

class SnapshotListenerTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    if (!HaveFfmpeg()) GTEST_SKIP() << "ffmpeg not installed";
    const std::string flv = dir_.File("in.flv");
    // 4 s, a keyframe every second.
    ASSERT_EQ(RunCommand("ffmpeg -v error -y -f lavfi -i testsrc2=size=320x240:rate=25 -t 4 "
                         "-c:v libx264 -preset ultrafast -g 25 -keyint_min 25 -sc_threshold 0 '" +
                         flv + "'"),
              0);
    media_ = ReadFlvMedia(flv);
    ASSERT_TRUE(media_.video);
    configs_ = std::make_unique<metadata::SnapshotConfigRepository>(*db_);
    snapshots_ = std::make_unique<metadata::SnapshotRepository>(*db_);
    store_ = std::make_unique<storage::LocalObjectStore>(dir_.File("bucket"));
    metrics_ = std::make_unique<SnapshotMetrics>(registry_);
    taker_ = std::make_unique<SnapshotTaker>(
        [this](const std::string&, const std::string& bucket) -> storage::ObjectStore* {
          return bucket == "records" ? store_.get() : nullptr;
        },
        *snapshots_, &notifier_, *metrics_);
  }

  void AddConfig(int64_t interval_s, const std::string& overwrite, const std::string& sequence) {
    metadata::SnapshotConfig c{
        "acc",    "live.example.com",        "*", interval_s, "local", "records", overwrite,
        sequence, "http://127.0.0.1:9/snap", 0,   0};
    ASSERT_TRUE(configs_->Insert(c).ok());
  }

  // Publishes the 4-second stream, the clock moving with the packets' timestamps.
  void Publish(SnapshotWorkers& workers, const std::string& stream = "cam") {
    SnapshotListener listener(
        inner_, SnapshotServices{*configs_, *snapshots_, workers, *taker_, *metrics_, clock_});
    ingest::PublishInfo info;
    info.identity.domain = "live.example.com";
    info.identity.app = "app";
    info.identity.stream = stream;
    info.account_id = "acc";
    auto observer = listener.OnPublish(info);
    if (!observer) return;  // no config: the inner listener's observer (none here) as it is
    const int64_t start = clock_.NowMs();
    for (const auto& packet : media_.packets) {
      clock_.SetMs(start + packet.dts_ms);
      observer->OnMedia(packet, media_.video, media_.audio);
    }
    observer->OnEnd();
    clock_.AdvanceMs(1000);
  }

  static void Drain(SnapshotWorkers& workers) {
    for (int i = 0; i < 500 && workers.InFlight() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(workers.InFlight(), 0u);
  }

  std::vector<std::string> Listed(const std::string& stream = "cam") {
    metadata::SnapshotQuery q{"acc", "live.example.com", "app", stream,
                              0,     clock_.NowMs(),     100,   true};
    std::vector<std::string> out;
    auto page = snapshots_->List(q);
    EXPECT_TRUE(page.has_value());
    if (!page) return out;
    for (const auto& s : page->snapshots) out.push_back(s.oss_object);
    return out;
  }

  liverec::testing::TempDir dir_{"snapshots"};
  Media media_;
  NoListener inner_;
  RecordingNotifier notifier_;
  metrics::MetricRegistry registry_;
  std::unique_ptr<metadata::SnapshotConfigRepository> configs_;
  std::unique_ptr<metadata::SnapshotRepository> snapshots_;
  std::unique_ptr<storage::LocalObjectStore> store_;
  std::unique_ptr<SnapshotMetrics> metrics_;
  std::unique_ptr<SnapshotTaker> taker_;
};

TEST_P(SnapshotListenerTest, AKeyframeEveryIntervalIsStoredInBothModesRecordedAndAnnounced) {
  AddConfig(2, "{AppName}/{StreamName}.jpg", "snap/{AppName}/{StreamName}/{Sequence}.jpg");
  SnapshotWorkers workers(1, 8);
  Publish(workers);
  Drain(workers);
  EXPECT_EQ(inner_.publishes, 1) << "the wrapped listener still sees the publish";
  // Keyframes at 0, 1, 2, 3 s; one every 2 s: at 0 and 2 s.
  EXPECT_EQ(metrics_->TakenCount(), 2u);
  EXPECT_EQ(metrics_->SkippedCount(), 0u);
  EXPECT_EQ(metrics_->FailedCount(), 0u);
  EXPECT_TRUE(store_->Head("snap/app/cam/1.jpg").has_value());
  EXPECT_TRUE(store_->Head("snap/app/cam/2.jpg").has_value());
  EXPECT_TRUE(store_->Head("app/cam.jpg").has_value());
  EXPECT_EQ(Listed(),
            (std::vector<std::string>{"snap/app/cam/1.jpg", "snap/app/cam/2.jpg", "app/cam.jpg"}));
  EXPECT_EQ(notifier_.objects.size(), 4u);
  EXPECT_EQ(notifier_.objects.back().rfind("http://127.0.0.1:9/snap ", 0), 0u);

  // A second publish goes on numbering where the first stopped (no object is named twice).
  Publish(workers);
  Drain(workers);
  EXPECT_TRUE(store_->Head("snap/app/cam/4.jpg").has_value());
  EXPECT_EQ(metrics_->FailedCount(), 0u);
}

TEST_P(SnapshotListenerTest, WhenTheWorkersAreFullSnapshotsAreSkippedAndIngestDoesNotWait) {
  AddConfig(1, "", "snap/{StreamName}/{UnixTimestamp}.jpg");
  SnapshotWorkers workers(1, 1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  ASSERT_TRUE(workers.TrySubmit([released] { released.wait(); }));  // the only place, taken
  const auto started = std::chrono::steady_clock::now();
  Publish(workers);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  EXPECT_EQ(metrics_->SkippedCount(), 4u) << "every keyframe due was skipped";
  release.set_value();
  Drain(workers);
  EXPECT_EQ(metrics_->TakenCount(), 0u);
  EXPECT_TRUE(Listed().empty());
}

TEST_P(SnapshotListenerTest, AStreamWithoutAConfigIsLeftAloneAndAFailedStoreEndsOnlyItsSnapshot) {
  SnapshotWorkers workers(1, 8);
  Publish(workers);
  EXPECT_EQ(inner_.publishes, 1);
  EXPECT_EQ(metrics_->TakenCount() + metrics_->SkippedCount() + metrics_->FailedCount(), 0u);

  // A sequence template without {UnixTimestamp} whose objects exist already: those fail,
  // counted, while the overwrite picture is still stored.
  AddConfig(2, "latest.jpg", "fixed/{Sequence}.jpg");
  ASSERT_TRUE(store_->PutBytes("fixed/1.jpg", std::vector<uint8_t>{1}).ok());
  Publish(workers, "other");
  Drain(workers);
  EXPECT_EQ(metrics_->FailedCount(), 1u);
  EXPECT_EQ(metrics_->TakenCount(), 2u);
  EXPECT_TRUE(store_->Head("fixed/2.jpg").has_value());
  EXPECT_EQ(*store_->Get("fixed/1.jpg"), std::vector<uint8_t>{1}) << "never replaced";
}

// The repositories are tested on both backends (metadata/snapshot_repository_test.cc).
INSTANTIATE_TEST_SUITE_P(Sqlite, SnapshotListenerTest,
                         ::testing::Values(liverec::testing::Backend::kSqlite),
                         liverec::testing::BackendParamName());

}  // namespace
}  // namespace liverec::recorder::snapshot
