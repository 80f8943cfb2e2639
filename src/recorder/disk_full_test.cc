// A full disk under a live recording (issue 17, item 5): the whole recording pipeline on a fake
// clock (RecordingSimulation) while every write into the spool's slice files fails with ENOSPC
// for a while. What was written before the failure is kept, the gap is marked in the playlist,
// the loss is counted and the spool reports trouble for /healthz; recording goes on once the
// disk takes writes again.
#include <gtest/gtest.h>

#include "recorder/recording_simulation.h"

namespace liverec::recorder {
namespace {

using simulation::RecordingSimulation;
using simulation::SimCase;
using simulation::SimOutcome;

SimCase DiskFullFor(int64_t from_ms, int64_t until_ms) {
  SimCase c;
  c.formats = {{"m3u8", 4, 21600}, {"mp4", 4, 21600}};
  c.delay_s = 10;
  c.gop_frames = 10;  // a keyframe every second
  c.publishes = {{0, 30'000}};
  c.disk_full_from_ms = from_ms;
  c.disk_full_until_ms = until_ms;
  return c;
}

TEST(DiskFullTest, TheSliceBeingWrittenIsKeptUpToTheFailureAndTheGapIsADiscontinuity) {
  SimOutcome out = RecordingSimulation(DiskFullFor(9'500, 15'000)).Run();
  EXPECT_GE(out.slices_cut_short, 1u) << "the slice open at 9.5 s keeps what it had";
  EXPECT_GE(out.slices_lost, 1u) << "slices begun while the disk is full have nothing";
  EXPECT_TRUE(out.spool_trouble_seen);
  ASSERT_GE(out.slice_rows.size(), 4u);
  // Nothing overlaps, and exactly one slice after the gap says a gap precedes it.
  size_t discontinuities = 0;
  for (size_t i = 1; i < out.slice_rows.size(); ++i) {
    EXPECT_GE(out.slice_rows[i].start_ms, out.slice_rows[i - 1].end_ms) << i;
    discontinuities += out.slice_rows[i].discontinuity ? 1 : 0;
  }
  EXPECT_EQ(discontinuities, 1u);
  // 30 s published, about 5.5 s of it while the disk was full (plus up to a second to the next
  // keyframe and the unflushed half second before the failure).
  EXPECT_GE(out.slices_stored_ms, 22'000);
  EXPECT_LE(out.slices_stored_ms, 25'500);
  ASSERT_EQ(out.playlists.size(), 1u);
  EXPECT_NE(out.playlists[0].find("#EXT-X-DISCONTINUITY"), std::string::npos) << out.playlists[0];
  size_t mp4 = 0;
  for (const auto& f : out.files) mp4 += f.format == "mp4" ? 1 : 0;
  EXPECT_EQ(mp4, 1u) << "one MP4 file for the publish, across the gap";
  EXPECT_EQ(out.open_cycles_at_end, 0u);
}

TEST(DiskFullTest, WithoutAFullDiskNothingIsCutShortOrLost) {
  SimOutcome out = RecordingSimulation(DiskFullFor(-1, -1)).Run();
  EXPECT_EQ(out.slices_cut_short, 0u);
  EXPECT_EQ(out.slices_lost, 0u);
  EXPECT_FALSE(out.spool_trouble_seen);
  EXPECT_GE(out.slices_stored_ms, 29'000);
  ASSERT_EQ(out.playlists.size(), 1u);
  EXPECT_EQ(out.playlists[0].find("#EXT-X-DISCONTINUITY"), std::string::npos);
}

TEST(DiskFullTest, ADiskFullUntilThePublishEndsLosesOnlyWhatCameAfterTheFailure) {
  SimOutcome out = RecordingSimulation(DiskFullFor(12'000, 60'000)).Run();
  EXPECT_GE(out.slices_stored_ms, 10'000);
  EXPECT_LE(out.slices_stored_ms, 12'500);
  EXPECT_GE(out.slices_lost, 1u);
  EXPECT_EQ(out.open_cycles_at_end, 0u);
}

}  // namespace
}  // namespace liverec::recorder
