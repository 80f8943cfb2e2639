#include "recorder/stream_lanes.h"

#include <algorithm>
#include <deque>
#include <fstream>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "recorder/m3u8_cycle_test_fixture.h"
#include "recorder/spool_guard.h"

namespace liverec::recorder {
namespace {

// A bucket that can be switched off: every call fails like an unreachable S3 endpoint.
class SwitchableStore final : public storage::ObjectStore {
 public:
  explicit SwitchableStore(storage::ObjectStore& inner) : inner_(inner) {}
  Status PutFile(const std::string& key, const std::string& path) override {
    ++puts;
    if (!refuse_prefix.empty() && key.starts_with(refuse_prefix)) {
      return Status(ErrorCode::kStorageAccessDenied, "", "HTTP 403 AccessDenied for " + key);
    }
    return down ? Down() : inner_.PutFile(key, path);
  }
  Status PutBytes(const std::string& key, std::span<const uint8_t> bytes) override {
    return down ? Down() : inner_.PutBytes(key, bytes);
  }
  Status ReplaceBytes(const std::string& key, std::span<const uint8_t> bytes) override {
    return down ? Down() : inner_.ReplaceBytes(key, bytes);
  }
  Result<storage::ObjectInfo> Head(const std::string& key) override {
    if (down) return Error(Down());
    return inner_.Head(key);
  }
  Result<std::vector<uint8_t>> Get(const std::string& key) override {
    if (down) return Error(Down());
    return inner_.Get(key);
  }
  Status Delete(const std::string& key) override { return down ? Down() : inner_.Delete(key); }

  bool down = false;
  std::string refuse_prefix;  // keys refused for good (403), the rest as usual
  int puts = 0;

 private:
  static Status Down() {
    return Status(ErrorCode::kStorageFailure, "", "connect to 127.0.0.1:9: Connection refused");
  }
  storage::ObjectStore& inner_;
};

class StreamLanesTest : public M3u8CycleTest {
 protected:
  void SetUp() override {
    M3u8CycleTest::SetUp();
    bucket_ = std::make_unique<SwitchableStore>(*store_);
    lookup_ = [this](const std::string&, const std::string&) { return bucket_.get(); };
    cycles_ = std::make_unique<CycleManager>(*recordings_, lookup_, *spool_, clock_, random_,
                                             index_files_.get());
    lanes_ = std::make_unique<StreamLanes>(
        clock_, [this] { return [this](std::function<void()> task) { Post(std::move(task)); }; },
        nullptr, LaneOptions{1'000, 4'000});
    cycles_->SetBacklogCheck([this](const std::string& id) { return lanes_->HasBacklog(id); });
    lane_ = lanes_->Lane(account_, "a.com", "live", "s1");
  }

  void Post(std::function<void()> task) { queue_.push_back(std::move(task)); }
  // Runs what was posted, as the stream's strand would.
  void Drain() {
    while (!queue_.empty()) {
      auto task = std::move(queue_.front());
      queue_.pop_front();
      task();
    }
  }

  std::shared_ptr<SliceFinisher> Finisher() {
    return std::make_shared<SliceFinisher>(*recordings_, *cycles_, lookup_, *spool_, clock_);
  }

  // A closed 1-second slice in the spool, starting now; the clock moves on by a second.
  SpoolSlice ClosedSlice(const RecordingPlan& plan, const std::string& id) {
    SpoolSlice slice;
    slice.plan = plan;
    slice.id = id;
    slice.start_ms = clock_.NowMs();
    slice.end_ms = slice.start_ms + 1000;
    slice.closed = true;
    std::filesystem::create_directories(spool_->StreamDir(plan.stream_id));
    std::ofstream(spool_->ClosedPath(slice)) << "ts bytes of " << id;
    EXPECT_TRUE(spool_->WriteSidecar(slice).ok());
    clock_.AdvanceMs(1000);
    return slice;
  }

  std::vector<metadata::SliceRow> Slices() {
    auto rows = recordings_->ListCycleSlices(account_, CycleId());
    return rows ? *rows : std::vector<metadata::SliceRow>{};
  }
  std::string CycleId() {
    auto open = recordings_->ListOpenCycles();
    if (open && !open->empty()) return open->front().id;
    return last_cycle_;
  }

  std::unique_ptr<SwitchableStore> bucket_;
  StoreLookup lookup_;
  std::deque<std::function<void()>> queue_;
  std::unique_ptr<StreamLanes> lanes_;
  std::shared_ptr<StreamLane> lane_;
  std::string last_cycle_;
};

TEST_F(StreamLanesTest, SlicesWaitInTheSpoolWhileTheBucketIsDownAndAreStoredInOrderWhenItIsBack) {
  RecordingPlan plan = Plan();
  auto finisher = Finisher();
  bucket_->down = true;
  std::vector<SpoolSlice> slices;
  for (int i = 0; i < 3; ++i) slices.push_back(ClosedSlice(plan, "slice" + std::to_string(i)));
  for (const auto& slice : slices) lane_->Finish(slice, finisher);
  bool ended = false;
  lane_->End(plan, finisher, [&] { ended = true; });
  Drain();
  EXPECT_EQ(bucket_->puts, 1) << "later slices wait behind the first, without trying";
  EXPECT_TRUE(lanes_->HasBacklog(stream_id_));
  EXPECT_TRUE(lanes_->BucketFailing("local", "records"));
  EXPECT_EQ(lanes_->QueuedSlices(), 3);
  EXPECT_FALSE(ended);
  for (const auto& slice : slices) {
    EXPECT_TRUE(std::filesystem::exists(spool_->ClosedPath(slice))) << slice.id;
  }

  // Retries follow the backoff: 1 s, then 2 s, then 4 s (the maximum), ...
  lanes_->RetryDue();
  Drain();
  EXPECT_EQ(bucket_->puts, 1) << "not due yet";
  clock_.AdvanceMs(1000);
  lanes_->RetryDue();
  Drain();
  EXPECT_EQ(bucket_->puts, 2);
  clock_.AdvanceMs(1999);
  lanes_->RetryDue();
  Drain();
  EXPECT_EQ(bucket_->puts, 2);
  clock_.AdvanceMs(1);
  lanes_->RetryDue();
  Drain();
  EXPECT_EQ(bucket_->puts, 3);
  // The waiting slice keeps the {Sequence} of its first attempt, in its sidecar too (recovery).
  auto sidecars = spool_->ScanSidecars();
  auto waiting = std::find_if(sidecars.begin(), sidecars.end(),
                              [](const SpoolSlice& s) { return s.id == "slice0"; });
  ASSERT_NE(waiting, sidecars.end());
  EXPECT_GE(waiting->sequence, 0);

  bucket_->down = false;
  clock_.AdvanceMs(4000);
  lanes_->RetryDue();
  Drain();
  EXPECT_TRUE(ended) << "the publish ends once its slices are in";
  EXPECT_FALSE(lanes_->HasBacklog(stream_id_));
  EXPECT_FALSE(lanes_->BucketFailing("local", "records"));
  EXPECT_EQ(lanes_->QueuedSlices(), 0);
  std::vector<metadata::SliceRow> rows = Slices();
  ASSERT_EQ(rows.size(), 3u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].start_ms, slices[i].start_ms);
    if (i > 0) {
      EXPECT_EQ(rows[i].sequence, rows[i - 1].sequence + 1) << "failed attempts take no numbers";
    }
    EXPECT_TRUE(std::filesystem::exists(dir_ + "/bucket/" + rows[i].object_key));
    EXPECT_FALSE(std::filesystem::exists(spool_->ClosedPath(slices[i])));
  }
}

TEST_F(StreamLanesTest, ASliceNumberedAtItsCloseKeepsThatNumberWithoutAnotherSidecarWrite) {
  RecordingPlan plan = Plan();
  auto finisher = Finisher();
  SpoolSlice slice = ClosedSlice(plan, "slice0");
  finisher->NumberAtClose(slice);  // as StreamRecorder::CloseAndFinish does, before the sidecar
  ASSERT_GE(slice.sequence, 0);
  int64_t number = slice.sequence;
  ASSERT_TRUE(spool_->WriteSidecar(slice).ok());
  auto inode = [&] {
    struct stat st {};
    EXPECT_EQ(::stat(spool_->SidecarPath(slice).c_str(), &st), 0);
    return st.st_ino;
  };
  ino_t written = inode();
  bucket_->down = true;
  lane_->Finish(slice, finisher);
  Drain();
  EXPECT_EQ(bucket_->puts, 1);
  EXPECT_EQ(inode(), written) << "the sidecar is not written again for the number";
  EXPECT_EQ(spool_->ScanSidecars().at(0).sequence, number);
  bucket_->down = false;
  clock_.AdvanceMs(1000);
  lanes_->RetryDue();
  Drain();
  std::vector<metadata::SliceRow> rows = Slices();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].sequence, number);
  // A recording without m3u8 takes no number.
  RecordingPlan mp4 = plan;
  mp4.formats = {{"mp4", "p/{Sequence}", 3600}};
  SpoolSlice held = ClosedSlice(mp4, "slice1");
  finisher->NumberAtClose(held);
  EXPECT_EQ(held.sequence, -1);
}

TEST_F(StreamLanesTest, CyclesWithABacklogAreNotClosedUntilItIsStored) {
  RecordingPlan plan = Plan();
  auto finisher = Finisher();
  SpoolSlice first = ClosedSlice(plan, "a");
  lane_->Finish(first, finisher);
  Drain();  // stored: the cycle exists
  ASSERT_EQ(Slices().size(), 1u);
  bucket_->down = true;
  SpoolSlice second = ClosedSlice(plan, "b");
  lane_->Finish(second, finisher);
  Drain();
  last_cycle_ = CycleId();
  // A restart while the slice waits: no publisher, DelayTime long past.
  ASSERT_TRUE(recordings_->MarkAllCyclesNotLive().ok());
  clock_.AdvanceMs(60'000);
  EXPECT_TRUE(cycles_->CloseExpired().ok());
  EXPECT_FALSE(Cycle(last_cycle_).closed_at_ms.has_value()) << "the playlist would miss a slice";
  EXPECT_TRUE(cycles_->CloseStreamNow(account_, stream_id_).ok());
  EXPECT_FALSE(Cycle(last_cycle_).closed_at_ms.has_value());
  EXPECT_TRUE(Playlists().empty());

  bucket_->down = false;
  lanes_->RetryDue();
  Drain();
  ASSERT_TRUE(recordings_->MarkAllCyclesNotLive().ok());
  clock_.AdvanceMs(60'000);
  EXPECT_TRUE(cycles_->CloseExpired().ok());
  EXPECT_TRUE(Cycle(last_cycle_).closed_at_ms.has_value());
  ASSERT_EQ(Playlists().size(), 1u);
  std::ifstream playlist(dir_ + "/bucket/" + Playlists()[0]);
  std::string text((std::istreambuf_iterator<char>(playlist)), std::istreambuf_iterator<char>());
  size_t segments = 0;
  for (size_t at = text.find("#EXTINF"); at != std::string::npos;
       at = text.find("#EXTINF", at + 1)) {
    ++segments;
  }
  EXPECT_EQ(segments, 2u) << text;
}

TEST_F(StreamLanesTest, ALaterPublishOfTheStreamWaitsBehindTheBacklogOfTheEarlierOne) {
  RecordingPlan plan = Plan();
  auto first_publish = Finisher();
  auto second_publish = Finisher();
  bucket_->down = true;
  SpoolSlice a = ClosedSlice(plan, "a");
  lane_->Finish(a, first_publish);
  lane_->End(plan, first_publish, nullptr);
  Drain();
  bucket_->down = false;  // back before the retry: the next publish must still wait its turn
  auto again = lanes_->Lane(account_, "a.com", "live", "s1");
  EXPECT_EQ(again, lane_) << "one lane per stream";
  SpoolSlice b = ClosedSlice(plan, "b");
  again->Finish(b, second_publish);
  Drain();
  EXPECT_TRUE(Slices().empty()) << "b does not overtake a";
  clock_.AdvanceMs(1000);
  lanes_->RetryDue();
  Drain();
  std::vector<metadata::SliceRow> rows = Slices();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].start_ms, a.start_ms);
  EXPECT_EQ(rows[1].start_ms, b.start_ms);
  EXPECT_FALSE(lanes_->HasBacklog(stream_id_));
}

TEST_F(StreamLanesTest, ATaskRunsOnceEverythingQueuedBeforeItIsFinished) {
  RecordingPlan plan = Plan();
  auto finisher = Finisher();
  bucket_->down = true;
  lane_->Finish(ClosedSlice(plan, "a"), finisher);
  bool ran = false;
  bool backlog_seen = true;
  lane_->Then([&] {
    ran = true;
    backlog_seen = lanes_->HasBacklog(stream_id_);
  });
  Drain();
  EXPECT_FALSE(ran) << "waits behind the slice";
  bucket_->down = false;
  clock_.AdvanceMs(1000);
  lanes_->RetryDue();
  Drain();
  EXPECT_TRUE(ran);
  EXPECT_FALSE(backlog_seen) << "the task is not a backlog of its own";
}

TEST_F(StreamLanesTest, LocalWorkDoesNotWaitForSlicesBeingFinished) {
  // The lane's two executors, run by hand.
  std::deque<std::function<void()>> local, finishing;
  auto onto = [](std::deque<std::function<void()>>* queue) {
    return [queue]() -> SerialPost {
      return [queue](std::function<void()> task) { queue->push_back(std::move(task)); };
    };
  };
  StreamLanes lanes(clock_, onto(&local), onto(&finishing));
  auto lane = lanes.Lane(account_, "a.com", "live", "s1");
  lane->Finish(ClosedSlice(Plan(), "a"), Finisher());  // an upload that has not returned yet
  bool sidecar_written = false;
  lane->Post([&] { sidecar_written = true; });
  ASSERT_EQ(local.size(), 1u);
  local.front()();
  EXPECT_TRUE(sidecar_written);
  EXPECT_TRUE(lanes.HasBacklog(stream_id_));
  ASSERT_EQ(finishing.size(), 1u);
  finishing.front()();
  EXPECT_FALSE(lanes.HasBacklog(stream_id_));
  EXPECT_EQ(Slices().size(), 1u);
}

TEST_F(StreamLanesTest, LanesOfOtherStreamsAreNotHeldUp) {
  RecordingPlan plan = Plan();
  bucket_->down = true;
  lane_->Finish(ClosedSlice(plan, "a"), Finisher());
  Drain();
  auto other = lanes_->Lane(account_, "a.com", "live", "s2");
  EXPECT_NE(other, lane_);
  bool ran = false;
  other->Post([&] { ran = true; });
  Drain();
  EXPECT_TRUE(ran);
}

TEST_F(StreamLanesTest, ARefusalForGoodFailsThatRecordingAloneAndKeepsItsSlicesAside) {
  RecordingPlan plan = Plan();  // slices under rec/s1/
  std::string other_id = recordings_->EnsureStream(account_, "a.com", "live", "s2")->id;
  RecordingPlan other = plan;
  other.stream_id = other_id;
  other.stream = "s2";
  other.slice_template = "rec/s2/{Sequence}";
  bucket_->refuse_prefix = "rec/s1/";
  auto finisher = Finisher();
  std::vector<SpoolSlice> slices;
  for (int i = 0; i < 3; ++i) slices.push_back(ClosedSlice(plan, "slice" + std::to_string(i)));
  for (const auto& slice : slices) lane_->Finish(slice, finisher);
  bool ended = false;
  lane_->End(plan, finisher, [&] { ended = true; });
  auto other_lane = lanes_->Lane(account_, "a.com", "live", "s2");
  auto other_finisher = Finisher();
  other_lane->Finish(ClosedSlice(other, "b0"), other_finisher);
  Drain();

  EXPECT_EQ(bucket_->puts, 2) << "one attempt for s1, then its later slices are set aside";
  EXPECT_TRUE(finisher->Failed());
  EXPECT_TRUE(ended) << "nothing waits behind a refusal";
  EXPECT_FALSE(lanes_->HasBacklog(stream_id_));
  EXPECT_FALSE(lanes_->BucketFailing("local", "records")) << "a refusal is not an outage";
  EXPECT_EQ(lanes_->QueuedSlices(), 0);
  for (const auto& slice : slices) {
    std::string kept = spool_->FailedRoot() + "/" + stream_id_ + "/" + slice.id;
    EXPECT_TRUE(std::filesystem::exists(kept + ".ts")) << slice.id;
    EXPECT_TRUE(std::filesystem::exists(kept + ".json")) << slice.id;
    EXPECT_TRUE(std::filesystem::exists(kept + ".reason.txt")) << slice.id;
    EXPECT_FALSE(std::filesystem::exists(spool_->ClosedPath(slice))) << slice.id;
  }
  EXPECT_TRUE(spool_->ScanSidecars().empty()) << "set-aside slices are not recovered at start";
  EXPECT_FALSE(other_finisher->Failed());
  auto stored = recordings_->ListStreamSlices(account_, other_id, 0, clock_.NowMs() * 2);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->size(), 1u) << "the other stream in the same bucket is recorded";
}

TEST_F(StreamLanesTest, APublishsBeginningIsNotABacklogSoFilesCanCloseAheadOfIt) {
  // A restart: the old recording's files close now, while the new recording begins behind.
  bool backlog_seen = true;
  lane_->Then([&] { backlog_seen = lanes_->HasBacklog(stream_id_); });
  lane_->Begin(Plan(), clock_.NowMs(), Finisher());
  EXPECT_FALSE(lanes_->HasBacklog(stream_id_));
  Drain();
  EXPECT_FALSE(backlog_seen);
  EXPECT_FALSE(lanes_->HasBacklog(stream_id_));
}

TEST(SpoolGuardTest, MeasuresTheSpoolAndIsFullAtItsBound) {
  auto dir = std::filesystem::temp_directory_path() / ("spool_guard_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "stream");
  std::ofstream(dir / "stream" / "a.ts") << std::string(600, 'x');
  Spool spool(dir.string());
  SpoolGuard guard(spool, 1000, 50);
  EXPECT_EQ(guard.Measure(), 600);
  EXPECT_FALSE(guard.Full());
  std::ofstream(dir / "b.ts") << std::string(400, 'x');
  EXPECT_EQ(guard.Measure(), 1000);
  EXPECT_TRUE(guard.Full());
  std::filesystem::remove_all(dir);
  EXPECT_EQ(guard.Measure(), 0);
  EXPECT_FALSE(guard.Full());
}

}  // namespace
}  // namespace liverec::recorder
