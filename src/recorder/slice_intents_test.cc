// Slice intents (docs/cluster.md "Slices caught by a node's death"): node A dies with a slice
// stored in the bucket but not indexed; the node that takes the stream over indexes it from A's
// intent, once, under its own fence. Two nodes' CycleManagers over one database with recording
// leases, on a fake clock.
#include "recorder/slice_intents.h"

#include <gtest/gtest.h>

#include "cluster/stream_leases.h"
#include "recorder/m3u8_cycle_test_fixture.h"
#include "recorder/slice_staging.h"

namespace liverec::recorder {
namespace {

constexpr int64_t kLeaseMs = 9000;

class SliceIntentsTest : public M3u8CycleTest {
 protected:
  void SetUp() override {
    M3u8CycleTest::SetUp();
    intents_ = std::make_unique<metadata::SliceIntentRepository>(*db_);
    for (auto* node : {&a_, &b_}) {
      node->leases = std::make_unique<cluster::StreamLeases>(*db_, clock_, "record",
                                                             node == &a_ ? "A" : "B", kLeaseMs);
      node->cycles = std::make_unique<CycleManager>(*recordings_, Stores(), *spool_, clock_,
                                                    random_, index_files_.get());
      node->cycles->SetLeases(node->leases.get());
    }
    fence_ = *a_.leases->Acquire(RecordLeaseName(account_, stream_id_));
    auto cycle = a_.cycles->Attach(Plan(), "m3u8", clock_.NowMs(), &fence_);
    ASSERT_TRUE(cycle.has_value()) << cycle.error().ToString();
    cycle_ = *cycle;
  }

  StoreLookup Stores() {
    return [this](const std::string&, const std::string&) { return store_.get(); };
  }

  // A 1-second slice of the stream from now, its sequence taken; the clock moves on.
  SpoolSlice NextSlice() {
    SpoolSlice slice;
    slice.plan = Plan();
    slice.id = "slice" + std::to_string(next_);
    slice.sequence = next_++;
    slice.start_ms = clock_.NowMs();
    slice.end_ms = slice.start_ms + 1000;
    slice.video_codec = "h264";
    clock_.AdvanceMs(1000);
    return slice;
  }

  // What node A does for `slice` before it dies: writes its intent, and stores its object under
  // `key` ("" = dies before storing).
  void Intend(const SpoolSlice& slice, const std::string& key,
              std::vector<metadata::RecordCycleRow> cycles = {}) {
    if (cycles.empty()) cycles = {cycle_};
    ASSERT_TRUE(intents_->Insert(IntentOf(slice, cycles, clock_.NowMs()), &fence_).ok());
    if (!key.empty()) Put(key);
  }

  void Put(const std::string& key) {
    std::string bytes = "ts bytes of " + key;
    ASSERT_TRUE(
        store_
            ->PutBytes(key, std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()))
            .ok());
  }

  // A slice A stored and indexed completely.
  void Complete(const SpoolSlice& slice, const std::string& key) {
    Intend(slice, key);
    metadata::SliceRow row = IntentOf(slice, {cycle_}, 0).slice;
    row.object_key = key;
    ASSERT_TRUE(recordings_->InsertSlice(row, &fence_).ok());
    ASSERT_TRUE(intents_->Delete(account_, stream_id_, slice.id, &fence_).ok());
  }

  std::vector<std::string> IndexedKeys() {
    std::vector<std::string> keys;
    auto slices = recordings_->ListCycleSlices(account_, cycle_.id);
    EXPECT_TRUE(slices.has_value());
    for (const auto& s : slices.value_or(std::vector<metadata::SliceRow>{})) {
      keys.push_back(s.object_key);
    }
    return keys;
  }

  struct Node {
    std::unique_ptr<cluster::StreamLeases> leases;
    std::unique_ptr<CycleManager> cycles;
  };
  Node a_, b_;
  std::unique_ptr<metadata::SliceIntentRepository> intents_;
  metadata::Fence fence_;
  metadata::RecordCycleRow cycle_;
  int next_ = 0;
};

TEST_F(SliceIntentsTest, ASliceADeadNodeStoredButDidNotIndexIsInTheCycleAnotherNodeCloses) {
  Complete(NextSlice(), "rec/s1/0.ts");
  SpoolSlice stored = NextSlice();
  Intend(stored, "rec/s1/1.ts");  // stored, then A is killed before its index row
  ASSERT_TRUE(a_.cycles->Detach(account_, cycle_.id, &fence_).ok());
  clock_.AdvanceMs(kLeaseMs + Plan().delay_time_s * 1000);  // A's lease and DelayTime passed

  ASSERT_TRUE(b_.cycles->CloseExpired().ok());
  EXPECT_EQ(Cycle(cycle_.id).state, metadata::CycleState::kClosed);
  EXPECT_EQ(IndexedKeys(), (std::vector<std::string>{"rec/s1/0.ts", "rec/s1/1.ts"}));
  auto adopted = recordings_->ListCycleSlices(account_, cycle_.id)->back();
  EXPECT_EQ(adopted.sequence, 1);
  EXPECT_EQ(adopted.start_ms, stored.start_ms);
  EXPECT_EQ(adopted.bytes, static_cast<int64_t>(std::string("ts bytes of rec/s1/1.ts").size()));
  EXPECT_EQ(Cycle(cycle_.id).end_ms, stored.end_ms);
  ASSERT_EQ(Playlists().size(), 1u);
  std::string playlist(reinterpret_cast<const char*>(store_->Get(Playlists()[0])->data()),
                       store_->Get(Playlists()[0])->size());
  EXPECT_NE(playlist.find("1.ts"), std::string::npos) << playlist;
  EXPECT_TRUE(intents_->List(account_, stream_id_)->empty());
}

TEST_F(SliceIntentsTest, WhatNeverReachedTheBucketIsNotIndexedAndNothingIsIndexedTwice) {
  SpoolSlice indexed = NextSlice();
  Intend(indexed, "rec/s1/0.ts");  // A indexed it, then died before deleting its intent
  metadata::SliceRow row = IntentOf(indexed, {cycle_}, 0).slice;
  row.object_key = "rec/s1/0.ts";
  ASSERT_TRUE(recordings_->InsertSlice(row, &fence_).ok());
  Intend(NextSlice(), "");  // died before its PUT
  clock_.AdvanceMs(kLeaseMs);

  auto fence = b_.leases->Acquire(RecordLeaseName(account_, stream_id_));
  ASSERT_TRUE(fence.has_value());
  ASSERT_TRUE(
      AdoptSliceIntents(*intents_, *recordings_, Stores(), account_, stream_id_, *fence).ok());
  EXPECT_EQ(IndexedKeys(), std::vector<std::string>{"rec/s1/0.ts"});
  EXPECT_TRUE(intents_->List(account_, stream_id_)->empty());
  EXPECT_FALSE(store_->Head("rec/s1/1.ts").has_value());
}

TEST_F(SliceIntentsTest, TheNameTakenIsTheFirstStoredOneNoRowNames) {
  // Another slice of the stream rendered the same name and is indexed under it; A's slice went to
  // the next name (PutWithoutOverwrite) before A died.
  SpoolSlice first = NextSlice();
  Complete(first, "rec/s1/7.ts");
  SpoolSlice second = NextSlice();
  second.sequence = 7;  // the same rendered name
  Intend(second, "rec/s1/7_1.ts");
  clock_.AdvanceMs(kLeaseMs);
  auto fence = b_.leases->Acquire(RecordLeaseName(account_, stream_id_));
  ASSERT_TRUE(fence.has_value());
  ASSERT_TRUE(
      AdoptSliceIntents(*intents_, *recordings_, Stores(), account_, stream_id_, *fence).ok());
  EXPECT_EQ(IndexedKeys(), (std::vector<std::string>{"rec/s1/7.ts", "rec/s1/7_1.ts"}));
}

TEST_F(SliceIntentsTest, AStagedCopyIsHeldByItsMp4Cycle) {
  RecordingPlan plan = Plan();
  plan.formats.push_back({"mp4", "f/{StreamName}_{Sequence}", 3600});
  auto mp4 = a_.cycles->Attach(plan, "mp4", clock_.NowMs(), &fence_);
  ASSERT_TRUE(mp4.has_value()) << mp4.error().ToString();
  SpoolSlice staged = NextSlice();
  staged.plan = plan;
  Intend(staged, "rec/s1/0.ts", {cycle_, *mp4});
  Put(StagedSliceKey(stream_id_, staged.id));
  SpoolSlice lost = NextSlice();
  lost.plan = plan;
  Intend(lost, "", {cycle_, *mp4});  // neither stored nor staged
  clock_.AdvanceMs(kLeaseMs);

  auto fence = b_.leases->Acquire(RecordLeaseName(account_, stream_id_));
  ASSERT_TRUE(fence.has_value());
  ASSERT_TRUE(
      AdoptSliceIntents(*intents_, *recordings_, Stores(), account_, stream_id_, *fence).ok());
  auto held = recordings_->ListHeldSlices(account_, mp4->id);
  ASSERT_EQ(held->size(), 1u);
  EXPECT_EQ(held->front().slice_id, staged.id);
  EXPECT_EQ(held->front().start_ms, staged.start_ms);
  EXPECT_EQ(IndexedKeys(), std::vector<std::string>{"rec/s1/0.ts"});
}

TEST_F(SliceIntentsTest, WhenOnlyOneCopyReachedTheBucketTheOtherIsMadeFromIt) {
  RecordingPlan plan = Plan();
  plan.formats.push_back({"mp4", "f/{StreamName}_{Sequence}", 3600});
  auto mp4 = a_.cycles->Attach(plan, "mp4", clock_.NowMs(), &fence_);
  ASSERT_TRUE(mp4.has_value()) << mp4.error().ToString();
  // Killed after its m3u8 object was stored and indexed, before it was staged.
  SpoolSlice unstaged = NextSlice();
  unstaged.plan = plan;
  Complete(unstaged, "rec/s1/0.ts");
  ASSERT_TRUE(intents_->Insert(IntentOf(unstaged, {cycle_, *mp4}, clock_.NowMs()), &fence_).ok());
  // Killed after staging, before the m3u8 object (a retry after a bucket error, say).
  SpoolSlice only_staged = NextSlice();
  only_staged.plan = plan;
  Intend(only_staged, "", {cycle_, *mp4});
  Put(StagedSliceKey(stream_id_, only_staged.id));
  clock_.AdvanceMs(kLeaseMs);

  auto fence = b_.leases->Acquire(RecordLeaseName(account_, stream_id_));
  ASSERT_TRUE(fence.has_value());
  ASSERT_TRUE(
      AdoptSliceIntents(*intents_, *recordings_, Stores(), account_, stream_id_, *fence).ok());
  EXPECT_EQ(IndexedKeys(), (std::vector<std::string>{"rec/s1/0.ts", "rec/s1/1.ts"}));
  auto copied = store_->Get("rec/s1/1.ts");
  ASSERT_TRUE(copied.has_value());
  std::string text(copied->begin(), copied->end());
  EXPECT_EQ(text, "ts bytes of " + StagedSliceKey(stream_id_, only_staged.id));
  EXPECT_TRUE(store_->Head(StagedSliceKey(stream_id_, unstaged.id)).has_value());
  auto held = recordings_->ListHeldSlices(account_, mp4->id);
  ASSERT_EQ(held->size(), 2u);
  EXPECT_EQ(held->at(0).slice_id, unstaged.id);
  EXPECT_EQ(held->at(1).slice_id, only_staged.id);
}

TEST_F(SliceIntentsTest, AStaleOwnerCannotWriteAnIntentAndOnlyTheNewOwnerSettlesThem) {
  Intend(NextSlice(), "rec/s1/0.ts");
  clock_.AdvanceMs(kLeaseMs);
  auto fence = b_.leases->Acquire(RecordLeaseName(account_, stream_id_));
  ASSERT_TRUE(fence.has_value());
  // A wakes up: its next intent is refused by the fence.
  SpoolSlice late = NextSlice();
  EXPECT_EQ(intents_->Insert(IntentOf(late, {cycle_}, clock_.NowMs()), &fence_).code(),
            ErrorCode::kLeaseLost);
  EXPECT_EQ(
      AdoptSliceIntents(*intents_, *recordings_, Stores(), account_, stream_id_, fence_).code(),
      ErrorCode::kLeaseLost);
  EXPECT_TRUE(IndexedKeys().empty());
  ASSERT_TRUE(
      AdoptSliceIntents(*intents_, *recordings_, Stores(), account_, stream_id_, *fence).ok());
  EXPECT_EQ(IndexedKeys(), std::vector<std::string>{"rec/s1/0.ts"});
}

}  // namespace
}  // namespace liverec::recorder
