#include "metadata/recording_repository.h"

#include <gtest/gtest.h>

#include "metadata/tenant_repository.h"
#include "testing/database_test.h"

namespace liverec::metadata {
namespace {

class RecordingRepositoryTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    account_ = TenantRepository(*db_, clock_, random_).EnsureAccount("a")->id;
    repo_ = std::make_unique<RecordingRepository>(*db_, clock_, random_);
  }
  std::unique_ptr<RecordingRepository> repo_;
  std::string account_;
};

TEST_P(RecordingRepositoryTest, EnsureStreamIsIdempotentAndSequencesNeverRepeat) {
  auto s1 = repo_->EnsureStream(account_, "a.com", "live", "s1");
  ASSERT_TRUE(s1.has_value()) << s1.error().ToString();
  clock_.AdvanceMs(5000);
  auto again = repo_->EnsureStream(account_, "a.com", "live", "s1");
  EXPECT_EQ(again->id, s1->id);
  EXPECT_EQ(again->last_publish_ms, s1->first_seen_ms + 5000);
  EXPECT_EQ(*repo_->TakeSequence(account_, s1->id, SequenceKind::kSlice), 0);
  EXPECT_EQ(*repo_->TakeSequence(account_, s1->id, SequenceKind::kSlice), 1);
  EXPECT_EQ(*repo_->TakeSequence(account_, s1->id, SequenceKind::kCycle), 0);
  EXPECT_EQ(*repo_->TakeSequence(account_, s1->id, SequenceKind::kSlice), 2);
}

TEST_P(RecordingRepositoryTest, CyclesOpenTouchAndClose) {
  auto stream = repo_->EnsureStream(account_, "a.com", "live", "s1");
  RecordCycleRow cycle{
      account_,          "c1", stream->id,   "cfg",        "m3u8", 0,  "{}",
      CycleState::kOpen, true, std::nullopt, std::nullopt, 1,      "", std::nullopt};
  ASSERT_TRUE(repo_->InsertCycle(cycle).ok());
  ASSERT_TRUE(repo_->TouchCycle(account_, "c1", 100, 200, 10).ok());
  ASSERT_TRUE(repo_->TouchCycle(account_, "c1", 200, 300, 20).ok());
  auto found = repo_->FindCycle(account_, "c1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->start_ms, 100);
  EXPECT_EQ((*found)->end_ms, 300);
  EXPECT_EQ(repo_->ListOpenCycles()->size(), 1u);
  ASSERT_TRUE(repo_->CloseCycle(account_, "c1", "k.m3u8", 30).ok());
  EXPECT_TRUE(repo_->ListOpenCycles()->empty());
  EXPECT_EQ((*repo_->FindCycle(account_, "c1"))->object_key, "k.m3u8");
}

TEST_P(RecordingRepositoryTest, SlicesAreIndexedOnceAndListedInOrder) {
  auto stream = repo_->EnsureStream(account_, "a.com", "live", "s1");
  SliceRow slice{account_, stream->id, 2000,  3000, 1000, 10, "local", "records",
                 "k2.ts",  "h264",     "aac", 640,  360,  1,  "c1",    false};
  ASSERT_TRUE(repo_->InsertSlice(slice).ok());
  slice.start_ms = 1000;
  slice.end_ms = 2000;
  slice.object_key = "k1.ts";
  ASSERT_TRUE(repo_->InsertSlice(slice).ok());
  slice.object_key = "dup.ts";
  ASSERT_TRUE(repo_->InsertSlice(slice).ok());  // same start: kept as first indexed
  auto listed = repo_->ListCycleSlices(account_, "c1");
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].object_key, "k1.ts");
  EXPECT_EQ((*listed)[1].object_key, "k2.ts");
  EXPECT_EQ(repo_->ListStreamSlices(account_, stream->id, 1500, 5000)->size(), 1u);
}

TEST_P(RecordingRepositoryTest, UnannouncedRecordFilesAreListedUntilMarked) {
  auto stream = repo_->EnsureStream(account_, "a.com", "live", "s1");
  RecordFileRow file{account_,  "f1",       stream->id, "c1", 0,    0,   3,   "mp4", "local",
                     "records", "v/s1.mp4", 1000,       4000, 3000, 640, 360, 1234,  10};
  ASSERT_TRUE(repo_->InsertRecordFile(file).ok());  // announced by default
  file.id = "f2";
  file.part = 1;
  file.announced = false;
  ASSERT_TRUE(repo_->InsertRecordFile(file).ok());
  auto pending = repo_->ListUnannouncedRecordFiles();
  ASSERT_TRUE(pending.has_value()) << pending.error().ToString();
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, "f2");
  EXPECT_EQ((*pending)[0].cycle_id, "c1");
  EXPECT_FALSE((*pending)[0].announced);
  ASSERT_TRUE(repo_->MarkRecordFileAnnounced(account_, "f2").ok());
  ASSERT_TRUE(repo_->MarkRecordFileAnnounced(account_, "f2").ok()) << "marking twice is no error";
  EXPECT_TRUE(repo_->ListUnannouncedRecordFiles()->empty());
  auto files = repo_->ListCycleRecordFiles(account_, "c1");
  ASSERT_EQ(files->size(), 2u);
  EXPECT_TRUE((*files)[1].announced);
}

LIVEREC_ON_BOTH_BACKENDS(RecordingRepositoryTest);

}  // namespace
}  // namespace liverec::metadata
