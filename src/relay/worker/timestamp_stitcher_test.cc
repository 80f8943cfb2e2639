#include "relay/worker/timestamp_stitcher.h"

#include <gtest/gtest.h>

namespace liverec::relay::worker {
namespace {

constexpr int kVideo = 0;
constexpr int kAudio = 1;

TEST(TimestampStitcherTest, TheFirstInputStartsAtZeroKeepingStreamOffsets) {
  TimestampStitcher stitcher(2);
  stitcher.BeginInput(-80'000);  // B-frames: the video DTS starts before the audio
  auto video = stitcher.Map(kVideo, -80'000, 0, 40'000);
  auto audio = stitcher.Map(kAudio, 0, 0, 23'220);
  EXPECT_EQ(video.dts_us, 0);
  EXPECT_EQ(video.pts_us, 80'000);
  EXPECT_EQ(audio.dts_us, 80'000);
}

TEST(TimestampStitcherTest, ANextInputContinuesFromTheRunningEnd) {
  TimestampStitcher stitcher(2);
  stitcher.BeginInput(0);
  for (int64_t t = 0; t < 2'000'000; t += 40'000) stitcher.Map(kVideo, t, t, 40'000);
  EXPECT_EQ(stitcher.EndUs(), 2'000'000);
  stitcher.BeginInput(5'000'000);  // a seek: the second input starts 5 s in
  auto first = stitcher.Map(kVideo, 5'000'000, 5'000'000, 40'000);
  EXPECT_EQ(first.dts_us, 2'000'000);
  EXPECT_EQ(stitcher.fixes(), 0);
}

TEST(TimestampStitcherTest, ASmallStepBackIsClampedAndCounted) {
  TimestampStitcher stitcher(1);
  stitcher.BeginInput(0);
  stitcher.Map(kVideo, 0, 0, 40'000);
  stitcher.Map(kVideo, 400'000, 400'000, 40'000);
  auto back = stitcher.Map(kVideo, 360'000, 300'000, 40'000);
  EXPECT_EQ(back.dts_us, 400'000);
  EXPECT_EQ(back.pts_us, 400'000) << "PTS never below DTS";
  EXPECT_EQ(stitcher.fixes(), 1);
}

TEST(TimestampStitcherTest, AClockResetOfALiveSourceReanchorsAllStreamsTogether) {
  TimestampStitcher stitcher(2);
  stitcher.BeginInput(90'000'000);
  stitcher.Map(kVideo, 90'000'000, 90'000'000, 40'000);
  stitcher.Map(kAudio, 90'010'000, 90'010'000, 23'000);
  auto video = stitcher.Map(kVideo, 0, 0, 40'000);  // the publisher restarted at 0
  auto audio = stitcher.Map(kAudio, 10'000, 10'000, 23'000);
  EXPECT_EQ(video.dts_us, 40'000);
  EXPECT_EQ(audio.dts_us, 50'000) << "audio keeps its 10 ms offset to video";
  EXPECT_EQ(stitcher.reanchors(), 1);
  EXPECT_EQ(stitcher.fixes(), 0);
}

}  // namespace
}  // namespace liverec::relay::worker
