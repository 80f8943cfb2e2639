#include "media/compose/cycle_timeline.h"

#include <gtest/gtest.h>

namespace liverec::media::compose {
namespace {

constexpr int64_t kSecond = CycleTimeline::kTicksPerSecond;
constexpr int64_t kFrame = 3600;  // 25 fps in the 90 kHz clock
constexpr int kVideo = CycleTimeline::kVideo;
constexpr int kAudio = CycleTimeline::kAudio;

// Feeds `frames` video frames from `first_dts` on; returns the output DTS of the first one.
int64_t FeedFrames(CycleTimeline& timeline, int64_t first_dts, int frames) {
  int64_t first_out = 0;
  for (int i = 0; i < frames; ++i) {
    const int64_t dts = first_dts + i * kFrame;
    const auto stamp = timeline.Map(kVideo, dts, dts, kFrame);
    if (i == 0) first_out = stamp.dts;
  }
  return first_out;
}

TEST(CycleTimelineTest, OutputStartsAtZero) {
  CycleTimeline timeline(kSecond);
  EXPECT_FALSE(timeline.BeginSlice(126000, 126000, false));
  EXPECT_EQ(FeedFrames(timeline, 126000, 25), 0);
  EXPECT_EQ(timeline.end(), 25 * kFrame);
}

TEST(CycleTimelineTest, FirstPresentedFrameIsTimeZeroWithBFrames) {
  CycleTimeline timeline(kSecond);
  timeline.BeginSlice(1000, 1000 + 2 * kFrame, false);
  const auto first = timeline.Map(kVideo, 1000, 1000 + 2 * kFrame, kFrame);
  EXPECT_EQ(first.dts, -2 * kFrame);
  EXPECT_EQ(first.pts, 0);
  timeline.Map(kVideo, 1000 + kFrame, 1000 + 5 * kFrame, kFrame);
  timeline.Map(kVideo, 1000 + 2 * kFrame, 1000 + 3 * kFrame, kFrame);
  EXPECT_EQ(timeline.duration(), 4 * kFrame);  // PTS 0 .. 3 frames, plus the last one's length
}

TEST(CycleTimelineTest, ConsecutiveSlicesKeepTheirTimestamps) {
  CycleTimeline timeline(kSecond);
  timeline.BeginSlice(1000, 1000, false);
  FeedFrames(timeline, 1000, 25);
  EXPECT_FALSE(timeline.BeginSlice(1000 + 25 * kFrame, 1000 + 25 * kFrame, false));
  EXPECT_EQ(FeedFrames(timeline, 1000 + 25 * kFrame, 25), 25 * kFrame);
  EXPECT_EQ(timeline.end(), 50 * kFrame);
}

TEST(CycleTimelineTest, ForwardGapIsClosedOneFrameAfterThePreviousLastFrame) {
  CycleTimeline timeline(kSecond);
  timeline.BeginSlice(0, 0, false);
  FeedFrames(timeline, 0, 25);  // last DTS 24 frames
  EXPECT_TRUE(timeline.BeginSlice(60 * kSecond, 60 * kSecond, false));
  EXPECT_EQ(FeedFrames(timeline, 60 * kSecond, 25), 25 * kFrame);
}

TEST(CycleTimelineTest, StepBackIsClosedToo) {
  CycleTimeline timeline(kSecond);
  timeline.BeginSlice(10 * kSecond, 10 * kSecond, false);
  FeedFrames(timeline, 10 * kSecond, 50);
  EXPECT_TRUE(timeline.BeginSlice(0, 0, false));  // a new publisher starting at 0
  EXPECT_EQ(FeedFrames(timeline, 0, 25), 50 * kFrame);
  EXPECT_EQ(timeline.end(), 75 * kFrame);
}

TEST(CycleTimelineTest, ResumedSliceIsRebasedEvenWhenItsTimestampsLookContinuous) {
  CycleTimeline timeline(kSecond);
  timeline.BeginSlice(0, 0, false);
  FeedFrames(timeline, 0, 25);
  // 0.5 s later by its own clock, but the caller knows the publisher was away.
  EXPECT_TRUE(timeline.BeginSlice(25 * kFrame + kSecond / 2, 25 * kFrame + kSecond / 2, true));
  EXPECT_EQ(FeedFrames(timeline, 25 * kFrame + kSecond / 2, 1), 25 * kFrame);
}

TEST(CycleTimelineTest, WrapOfTheTsClockIsContinuous) {
  const int64_t wrap = int64_t{1} << 33;
  CycleTimeline timeline(kSecond);
  timeline.BeginSlice(wrap - 25 * kFrame, wrap - 25 * kFrame, false);
  FeedFrames(timeline, wrap - 25 * kFrame, 25);
  EXPECT_FALSE(timeline.BeginSlice(0, 0, false));
  EXPECT_EQ(FeedFrames(timeline, 0, 1), 25 * kFrame);
}

TEST(CycleTimelineTest, RepeatedDtsMovesUpAndPtsNeverPrecedesDts) {
  CycleTimeline timeline(kSecond);
  timeline.BeginSlice(0, 0, false);
  timeline.Map(kAudio, 0, 0, 0);
  const auto repeat = timeline.Map(kAudio, 0, 0, 0);
  EXPECT_EQ(repeat.dts, 1);
  EXPECT_EQ(repeat.pts, 1);
  const auto video = timeline.Map(kVideo, 100, 50, 0);
  EXPECT_EQ(video.dts, 100);
  EXPECT_EQ(video.pts, 100);
}

TEST(CycleTimelineTest, RebasedSliceStartsWhereThePresentationEndedAndKeepsAvSync) {
  CycleTimeline timeline(kSecond);
  timeline.BeginSlice(0, 0, false);
  FeedFrames(timeline, 0, 25);               // video ends at 25 frames
  timeline.Map(kAudio, 90000, 90000, 2000);  // audio ends 2000 ticks later
  // The next part: audio starts 1000 ticks before video.
  EXPECT_TRUE(timeline.BeginSlice(500000, 500000, true));
  const auto audio = timeline.Map(kAudio, 500000, 500000, 2000);
  const auto video = timeline.Map(kVideo, 501000, 501000, kFrame);
  EXPECT_EQ(audio.pts, 92000);
  EXPECT_EQ(video.pts, 93000);
}

TEST(CycleTimelineTest, MissingDurationIsTakenFromThePreviousStep) {
  CycleTimeline timeline(kSecond);
  timeline.BeginSlice(0, 0, false);
  timeline.Map(kVideo, 0, 0, 0);
  timeline.Map(kVideo, kFrame, kFrame, 0);
  EXPECT_EQ(timeline.end(), 2 * kFrame);
}

TEST(CycleTimelineTest, PacketWithoutTimestampsFollowsThePreviousOne) {
  CycleTimeline timeline(kSecond);
  timeline.BeginSlice(0, 0, false);
  timeline.Map(kVideo, 0, 0, kFrame);
  timeline.Map(kVideo, kFrame, kFrame, kFrame);
  const auto stamp =
      timeline.Map(kVideo, CycleTimeline::kNoTimestamp, CycleTimeline::kNoTimestamp, 0);
  EXPECT_EQ(stamp.dts, 2 * kFrame);
}

}  // namespace
}  // namespace liverec::media::compose
