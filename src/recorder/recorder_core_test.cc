#include <gtest/gtest.h>

#include "recorder/playlist.h"
#include "recorder/rule_matcher.h"
#include "recorder/slice_clock.h"
#include "recorder/slice_cutter.h"

namespace liverec::recorder {
namespace {

metadata::RecordConfig Rule(std::string app, std::string stream) {
  metadata::RecordConfig c;
  c.app_name = std::move(app);
  c.stream_name = std::move(stream);
  return c;
}

TEST(RuleMatcherTest, MostSpecificRuleWins) {
  std::vector<metadata::RecordConfig> rules = {Rule("*", ""),     Rule("*", "*"),
                                               Rule("*", "s1"),   Rule("live", ""),
                                               Rule("live", "*"), Rule("live", "s1")};
  auto pick = [&](const std::string& app, const std::string& stream) {
    auto m = MatchRecordConfig(rules, app, stream, 0);
    return m.config ? m.config->app_name + "/" + m.config->stream_name : std::string("none");
  };
  EXPECT_EQ(pick("live", "s1"), "live/s1");
  EXPECT_EQ(pick("live", "s2"), "live/*");
  EXPECT_EQ(pick("other", "s1"), "*/s1");
  EXPECT_EQ(pick("other", "s2"), "*/*");
  rules.erase(rules.begin() + 4);  // drop live/*
  EXPECT_EQ(pick("live", "s2"), "live/");
  rules = {Rule("live", "s1")};
  EXPECT_EQ(pick("live", "s2"), "none");
  EXPECT_EQ(pick("other", "s1"), "none");
}

TEST(RuleMatcherTest, WindowedStreamRuleTakesTheStreamButOnlyRecordsInside) {
  auto windowed = Rule("live", "s1");
  windowed.start_time_ms = 1000;
  windowed.end_time_ms = 2000;
  std::vector<metadata::RecordConfig> rules = {Rule("live", "*"), windowed};
  auto outside = MatchRecordConfig(rules, "live", "s1", 500);
  ASSERT_NE(outside.config, nullptr);
  EXPECT_EQ(outside.config->stream_name, "s1");
  EXPECT_FALSE(outside.in_window);
  EXPECT_TRUE(MatchRecordConfig(rules, "live", "s1", 1500).in_window);
  EXPECT_FALSE(MatchRecordConfig(rules, "live", "s1", 2000).in_window);
}

TEST(SliceClockTest, FastPushGetsMediaTimesNotWallTimes) {
  SliceClock clock;
  EXPECT_EQ(clock.ToUtc(0, 1'000'000), 1'000'000);
  EXPECT_EQ(clock.ToUtc(10'000, 1'000'100), 1'010'000);  // pushed 100x faster
  EXPECT_EQ(clock.ToUtc(20'000, 1'000'200), 1'020'000);
}

TEST(SliceClockTest, AFloorKeepsANewPublishAfterThePreviousOne) {
  SliceClock clock;
  clock.SetFloor(1'050'000);  // the previous publish ended in the wall clock's future
  EXPECT_EQ(clock.ToUtc(0, 1'000'000), 1'050'000);
  EXPECT_EQ(clock.ToUtc(2'000, 1'000'010), 1'052'000);
}

TEST(SliceClockTest, JumpsReanchorWithoutGoingBack) {
  SliceClock clock;
  clock.ToUtc(50'000, 1'000'000);
  bool jumped = false;
  EXPECT_EQ(clock.ToUtc(60'000, 1'010'000, &jumped), 1'010'000);
  EXPECT_FALSE(jumped);
  // Backwards (publisher restarted its clock): continue from max(wall, last).
  EXPECT_EQ(clock.ToUtc(0, 1'005'000, &jumped), 1'010'000);
  EXPECT_TRUE(jumped);
  // Forward jump of an hour: re-anchored at the wall clock.
  EXPECT_EQ(clock.ToUtc(3'600'000, 1'020'000, &jumped), 1'020'000);
  EXPECT_TRUE(jumped);
}

media::MediaPacket Video(int64_t dts, bool key) {
  media::MediaPacket p;
  p.kind = media::TrackKind::kVideo;
  p.dts_ms = p.pts_ms = dts;
  p.keyframe = key;
  return p;
}

media::MediaPacket Audio(int64_t dts) {
  media::MediaPacket p;
  p.kind = media::TrackKind::kAudio;
  p.dts_ms = p.pts_ms = dts;
  p.keyframe = true;
  return p;
}

TEST(SliceCutterTest, StartsOnKeyframeAndCutsAtTheFirstKeyframeAfterTheDuration) {
  SliceCutter cutter(10'000, true);
  EXPECT_EQ(cutter.Decide(Audio(0)), CutDecision::kDrop);
  EXPECT_EQ(cutter.Decide(Video(0, false)), CutDecision::kDrop);
  EXPECT_EQ(cutter.Decide(Video(40, true)), CutDecision::kNewSlice);
  EXPECT_EQ(cutter.Decide(Audio(50)), CutDecision::kAppend);
  EXPECT_EQ(cutter.Decide(Video(8'040, true)), CutDecision::kAppend);
  EXPECT_EQ(cutter.Decide(Video(10'000, false)), CutDecision::kAppend);
  EXPECT_EQ(cutter.Decide(Audio(10'060)), CutDecision::kAppend);
  EXPECT_EQ(cutter.Decide(Video(10'040, true)), CutDecision::kNewSlice);
}

TEST(SliceCutterTest, AudioOnlyCutsByTimeAndVideoWithoutKeyframesIsCutAtTheMaximum) {
  SliceCutter audio(5'000, false);
  EXPECT_EQ(audio.Decide(Audio(0)), CutDecision::kNewSlice);
  EXPECT_EQ(audio.Decide(Audio(4'990)), CutDecision::kAppend);
  EXPECT_EQ(audio.Decide(Audio(5'000)), CutDecision::kNewSlice);
  SliceCutter video(5'000, true, 20'000);
  EXPECT_EQ(video.Decide(Video(0, true)), CutDecision::kNewSlice);
  EXPECT_EQ(video.Decide(Video(19'960, false)), CutDecision::kAppend);
  EXPECT_EQ(video.Decide(Video(20'000, false)), CutDecision::kNewSlice);
}

TEST(PlaylistTest, BuildsAVodPlaylistWithDiscontinuities) {
  std::string m3u8 = BuildPlaylist({{"a.ts", 10'000, false}, {"b.ts", 9'960, true}}, 7, true);
  EXPECT_EQ(m3u8,
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:7\n"
            "#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:10.000,\na.ts\n#EXT-X-DISCONTINUITY\n"
            "#EXTINF:9.960,\nb.ts\n#EXT-X-ENDLIST\n");
}

TEST(PlaylistTest, RelativeUriMakerMatchesRelativeUriAcrossDirectoryChanges) {
  const std::string from = "record/live/s1/2026/p.m3u8";
  const std::vector<std::string> targets = {"record/live/s1/2026/1.ts",
                                            "record/live/s1/2026/2.ts",
                                            "record/live/s1/2027/3.ts",
                                            "record/live/s1/2027/4 x.ts",
                                            "other/5.ts",
                                            "6.ts",
                                            "record/live/s1/2026/7.ts",
                                            "record/live/s1/2026/sub/8.ts"};
  RelativeUriMaker maker(from);
  std::vector<std::string> made;
  for (const auto& t : targets) made.push_back(maker.Make(t));
  EXPECT_EQ(made, (std::vector<std::string>{"1.ts", "2.ts", "../2027/3.ts", "../2027/4%20x.ts",
                                            "../../../../other/5.ts", "../../../../6.ts", "7.ts",
                                            "sub/8.ts"}));
  for (size_t i = 0; i < targets.size(); ++i) EXPECT_EQ(made[i], RelativeUri(from, targets[i]));
}

TEST(PlaylistTest, RelativeUrisClimbAndEncode) {
  EXPECT_EQ(RelativeUri("record/live/s1/p.m3u8", "record/live/s1/1_0.ts"), "1_0.ts");
  EXPECT_EQ(RelativeUri("r/a/p.m3u8", "r/b/1.ts"), "../b/1.ts");
  EXPECT_EQ(RelativeUri("p.m3u8", "x/y z/直.ts"), "x/y%20z/%E7%9B%B4.ts");
  EXPECT_EQ(RelativeUri("a/b/p.m3u8", "c.ts"), "../../c.ts");
}

}  // namespace
}  // namespace liverec::recorder
