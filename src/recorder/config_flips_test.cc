// A publisher whose codec configuration keeps changing (issue 17, item 4): the limiter alone, then
// the whole recording pipeline on a fake clock (RecordingSimulation) fed a video configuration
// that flips on every packet, and one that changes once.
#include <gtest/gtest.h>

#include "recorder/config_change_limiter.h"
#include "recorder/recording_simulation.h"

namespace liverec::recorder {
namespace {

using simulation::RecordingSimulation;
using simulation::SimCase;
using simulation::SimOutcome;

constexpr int64_t kNow = 1'767'225'600'000;

TEST(ConfigChangeLimiterTest, AChangeCutsOnlyOnceTheSliceRanItsMinimumOfMediaTime) {
  ConfigChangeLimiter limiter({.min_slice_ms = 1000, .max_per_minute = 10});
  EXPECT_FALSE(limiter.Take(0, kNow));
  EXPECT_FALSE(limiter.Take(999, kNow));
  EXPECT_TRUE(limiter.Take(1000, kNow));
}

TEST(ConfigChangeLimiterTest, AChangeWithNoSliceOpenIsFreeAndNotCounted) {
  ConfigChangeLimiter limiter({.min_slice_ms = 1000, .max_per_minute = 1});
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Take(std::nullopt, kNow));
  EXPECT_TRUE(limiter.Take(5000, kNow));  // the minute's one change is still there
  EXPECT_FALSE(limiter.Take(5000, kNow));
}

TEST(ConfigChangeLimiterTest, AtMostTheBudgetOfChangesAMinuteAndItRefillsAsTheMinutePasses) {
  ConfigChangeLimiter limiter({.min_slice_ms = 1000, .max_per_minute = 3});
  EXPECT_TRUE(limiter.Take(2000, kNow));
  EXPECT_TRUE(limiter.Take(2000, kNow + 10'000));
  EXPECT_TRUE(limiter.Take(2000, kNow + 20'000));
  EXPECT_FALSE(limiter.Take(60'000, kNow + 30'000));  // however long the slice ran
  EXPECT_FALSE(limiter.Take(2000, kNow + 59'999));
  EXPECT_TRUE(limiter.Take(2000, kNow + 60'000));  // the first change left the window
  EXPECT_FALSE(limiter.Take(2000, kNow + 60'001));
}

TEST(ConfigChangeLimiterTest, AClockSteppingBackDoesNotHoldChangesOffLonger) {
  ConfigChangeLimiter limiter({.min_slice_ms = 1000, .max_per_minute = 1});
  EXPECT_TRUE(limiter.Take(2000, kNow));
  EXPECT_FALSE(limiter.Take(2000, kNow + 1000));
  EXPECT_TRUE(limiter.Take(2000, kNow - 3'600'000));
}

SimCase Flipping(bool flip, int64_t change_at_ms) {
  SimCase c;
  c.formats = {{"m3u8", 30, 21600}, {"mp4", 30, 21600}, {"flv", 30, 21600}};
  c.delay_s = 10;
  c.gop_frames = 1;  // every video frame is a keyframe: every change could start a slice
  c.publishes = {{0, 20'000}};
  c.flip_video_config = flip;
  c.change_video_config_at_ms = change_at_ms;
  return c;
}

TEST(ConfigFlipsTest, AConfigFlippedOnEveryPacketCutsABoundedNumberOfSlicesAndCountsTheDrops) {
  // 20 s of 10 fps video and AAC, a new video configuration with every packet: one slice per
  // packet before the limit; now at most one a second of media and 10 a minute.
  SimOutcome out = RecordingSimulation(Flipping(true, -1)).Run();
  EXPECT_GE(out.slices_stored, 2u);
  EXPECT_LE(out.slices_stored, 11u) << "the first slice and at most 10 changes taken";
  EXPECT_GT(out.config_change_packets_dropped, 100u) << "every other packet is dropped";
  // The configuration the slices keep is recorded all along: no hole in the recording.
  EXPECT_GE(out.slices_stored_ms, 18'000);
  size_t mp4 = 0, flv = 0;
  for (const auto& f : out.files) {
    mp4 += f.format == "mp4" ? 1 : 0;
    flv += f.format == "flv" ? 1 : 0;
  }
  EXPECT_EQ(mp4, 1u);  // the flipped configuration declares a size, the same parameter sets
  EXPECT_EQ(flv, 1u);
  EXPECT_EQ(out.open_cycles_at_end, 0u);
}

TEST(ConfigFlipsTest, AReSentIdenticalConfigurationIsNoChange) {
  SimOutcome out = RecordingSimulation(Flipping(false, -1)).Run();
  EXPECT_EQ(out.slices_stored, 1u);  // one 30-s slice for the 20 s
  EXPECT_EQ(out.config_change_packets_dropped, 0u);
}

TEST(ConfigFlipsTest, AChangeOfConfigurationOnceIsTakenAtOnceWithNothingDropped) {
  SimOutcome out = RecordingSimulation(Flipping(false, 5'000)).Run();
  EXPECT_EQ(out.slices_stored, 2u);  // cut at the change
  EXPECT_EQ(out.config_change_packets_dropped, 0u);
  EXPECT_GE(out.slices_stored_ms, 19'000);
}

}  // namespace
}  // namespace liverec::recorder
