#include "recorder/spool_usage.h"
#include "testing/temp_dir.h"

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace liverec::recorder {
namespace {

namespace fs = std::filesystem;

class SpoolUsageTest : public ::testing::Test {
 protected:
  void SetUp() override { root_ = tmp_.path(); }

  void Write(const std::string& relative, size_t bytes) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << std::string(bytes, 'x');
  }

  liverec::testing::TempDir tmp_{"spool_usage"};
  fs::path root_;
};

TEST_F(SpoolUsageTest, BacklogIsTheClosedSlicesOfStreamsAndTotalIsEveryFile) {
  Write("stream-a/slice-1.ts", 1000);
  Write("stream-a/slice-1.json", 10);
  Write("stream-a/slice-2.ts.part", 300);  // being written
  Write("stream-a/slice-2.json", 10);
  Write("stream-b/slice-3.ts", 2000);
  Write("held/stream-a/slice-0.ts", 5000);  // waits for an MP4/FLV cycle, not for a bucket
  Write("cycles/cycle-1.m3u8", 50);
  Write("compose/cycle-2_1.mp4", 700);
  SpoolUsage usage = MeasureSpoolUsage(Spool(root_.string()));
  EXPECT_TRUE(usage.complete);
  EXPECT_EQ(usage.backlog_slices, 2);
  EXPECT_EQ(usage.backlog_bytes, 3000);
  EXPECT_EQ(usage.total_bytes, 1000 + 10 + 300 + 10 + 2000 + 5000 + 50 + 700);
}

TEST_F(SpoolUsageTest, OldestBacklogIsTheCloseTimeOfTheOldestClosedSliceOnly) {
  const auto base =
      std::chrono::file_clock::from_sys(std::chrono::sys_time<std::chrono::milliseconds>(
          std::chrono::milliseconds(1'767'225'600'000)));
  auto write_at = [&](const std::string& relative, int64_t offset_ms) {
    Write(relative, 10);
    fs::last_write_time(root_ / relative, base + std::chrono::milliseconds(offset_ms));
  };
  write_at("stream-a/slice-2.ts", 5'000);
  write_at("stream-b/slice-1.ts", 2'000);          // the oldest waiting slice
  write_at("stream-a/slice-3.ts.part", 0);         // being written: not waiting for the bucket
  write_at("held/stream-a/slice-0.ts", -9'000);    // held for an MP4/FLV cycle
  write_at("failed/stream-a/slice-9.ts", -8'000);  // set aside for good
  write_at("stream-a/slice-2.json", -7'000);
  SpoolUsage usage = MeasureSpoolUsage(Spool(root_.string()));
  ASSERT_TRUE(usage.oldest_backlog_ms.has_value());
  EXPECT_EQ(*usage.oldest_backlog_ms, 1'767'225'602'000);
}

TEST_F(SpoolUsageTest, AnEmptyBacklogHasNoOldestSlice) {
  Write("stream-a/slice-1.ts.part", 10);
  EXPECT_FALSE(MeasureSpoolUsage(Spool(root_.string())).oldest_backlog_ms.has_value());
}

TEST_F(SpoolUsageTest, AMissingSpoolIsEmpty) {
  SpoolUsage usage = MeasureSpoolUsage(Spool((root_ / "not-yet").string()));
  EXPECT_TRUE(usage.complete);
  EXPECT_EQ(usage.total_bytes, 0);
  EXPECT_EQ(usage.backlog_slices, 0);
}

TEST_F(SpoolUsageTest, TheWalkStopsAfterMaxEntriesAndSaysSo) {
  for (int i = 0; i < 20; ++i) Write("stream-a/slice-" + std::to_string(i) + ".ts", 1);
  SpoolUsage usage = MeasureSpoolUsage(Spool(root_.string()), 5);
  EXPECT_FALSE(usage.complete);
  EXPECT_LT(usage.backlog_slices, 5);
}

}  // namespace
}  // namespace liverec::recorder
