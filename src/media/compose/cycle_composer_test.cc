#include "media/compose/cycle_composer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "media/compose/compose_test_support.h"
#include "media/ts/ts_test_support.h"

namespace liverec::media::compose {
namespace {

using test_support::FlvMetadataNumber;
using test_support::MakeSlices;
using test_support::PacketDts;
using test_support::RemuxedDuration;
using test_support::TopLevelBoxes;
using ts::test_support::DecodesCleanly;
using ts::test_support::Probe;
using ts::test_support::ReadFileBytes;
using ts::test_support::TempDir;

nlohmann::json StreamOf(const nlohmann::json& probe, const std::string& codec_type) {
  for (const auto& stream : probe["streams"]) {
    if (stream["codec_type"] == codec_type) return stream;
  }
  return nullptr;
}

double DurationOf(const nlohmann::json& probe) {
  return std::stod(probe["format"]["duration"].get<std::string>());
}

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The output plays from start to end with the codecs, picture size and duration expected.
void ExpectPlayable(const std::string& path, double seconds, const std::string& video,
                    const std::string& audio, int width, int height) {
  const auto probe = Probe(path);
  ASSERT_FALSE(probe.is_null()) << path;
  EXPECT_NEAR(DurationOf(probe), seconds, 0.1) << path;
  const auto v = StreamOf(probe, "video");
  ASSERT_FALSE(v.is_null());
  EXPECT_EQ(v["codec_name"], video);
  EXPECT_EQ(v["width"], width);
  EXPECT_EQ(v["height"], height);
  const auto a = StreamOf(probe, "audio");
  ASSERT_FALSE(a.is_null());
  EXPECT_EQ(a["codec_name"], audio);
  EXPECT_TRUE(DecodesCleanly(path));
}

// DTS strictly increase, in steps of at most `max_step` seconds.
void ExpectContinuous(const std::string& path, const std::string& selector, double max_step) {
  const auto dts = PacketDts(path, selector);
  ASSERT_GT(dts.size(), 10u) << selector;
  for (size_t i = 1; i < dts.size(); ++i) {
    ASSERT_GT(dts[i], dts[i - 1]) << selector << " packet " << i;
    ASSERT_LE(dts[i] - dts[i - 1], max_step) << selector << " packet " << i;
  }
}

TEST(CycleComposerTest, Mp4FromH264AacSlicesHasMoovBeforeMdatAndPlays) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto slices = MakeSlices(dir.File(""), "s", 4);
  ASSERT_EQ(slices.size(), 4u);
  const std::string out = dir.File("cycle.mp4");
  auto report = ComposeCycle(slices, ContainerFormat::kMp4, out);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  ExpectPlayable(out, 4.0, "h264", "aac", 320, 240);
  const auto boxes = TopLevelBoxes(ReadFileBytes(out));
  const auto moov = std::find(boxes.begin(), boxes.end(), "moov");
  const auto mdat = std::find(boxes.begin(), boxes.end(), "mdat");
  ASSERT_NE(moov, boxes.end());
  ASSERT_NE(mdat, boxes.end());
  EXPECT_LT(moov, mdat) << "faststart: moov must precede mdat";
  EXPECT_EQ(report->slices_composed, 4u);
  EXPECT_FALSE(report->parameter_change_at.has_value());
  EXPECT_TRUE(report->rebased_slices.empty());
  EXPECT_NEAR(static_cast<double>(report->duration_ms), 4000, 100);
  EXPECT_EQ(report->bytes, std::filesystem::file_size(out));
  EXPECT_EQ(report->video_codec, CodecId::kH264);
  EXPECT_EQ(report->audio_codec, CodecId::kAac);
  EXPECT_EQ(report->width, 320);
  EXPECT_EQ(report->height, 240);
  EXPECT_EQ(report->sample_rate, 44100);
  EXPECT_EQ(report->channels, 2);
  EXPECT_FALSE(std::filesystem::exists(out + ".tmp"));
  ExpectContinuous(out, "v:0", 0.041);
}

TEST(CycleComposerTest, FlvHasDurationAndFilesizeInOnMetaData) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto slices = MakeSlices(dir.File(""), "s", 3);
  const std::string out = dir.File("cycle.flv");
  auto report = ComposeCycle(slices, ContainerFormat::kFlv, out);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  ExpectPlayable(out, 3.0, "h264", "aac", 320, 240);
  const auto bytes = ReadFileBytes(out);
  ASSERT_GT(bytes.size(), 13u);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 3), "FLV");
  const auto duration = FlvMetadataNumber(bytes, "duration");
  ASSERT_TRUE(duration.has_value());
  EXPECT_NEAR(*duration, 3.0, 0.1);
  const auto filesize = FlvMetadataNumber(bytes, "filesize");
  ASSERT_TRUE(filesize.has_value());
  EXPECT_EQ(static_cast<uint64_t>(*filesize), bytes.size());
  EXPECT_EQ(report->bytes, bytes.size());
}

// The publisher left and came back twice: once restarting its clock (a step back), once far
// ahead (a gap). The file covers all parts back to back.
void CheckInterruptions(ContainerFormat format, const std::string& name) {
  TempDir dir;
  const auto first = MakeSlices(dir.File(""), "a", 3);
  const auto second = MakeSlices(dir.File(""), "b", 2);
  const auto third =
      MakeSlices(dir.File(""), "c", 2, "libx264", "aac", "320x240", "-output_ts_offset 100");
  ASSERT_EQ(first.size() + second.size() + third.size(), 7u);
  const std::string out = dir.File(name);
  auto report = ComposeCycle(Concat(Concat(first, second), third), format, out);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->rebased_slices, (std::vector<size_t>{3, 5}));
  const double parts = RemuxedDuration(dir.File(""), first) +
                       RemuxedDuration(dir.File(""), second) + RemuxedDuration(dir.File(""), third);
  ExpectPlayable(out, parts, "h264", "aac", 320, 240);
  // At a closed gap one track may hold for the parts' audio/video end skew (< 0.1 s).
  ExpectContinuous(out, "v:0", 0.1);
  ExpectContinuous(out, "a:0", 0.1);
}

TEST(CycleComposerTest, Mp4CoversAnInterruptedPublishWithContinuousTimestamps) {
  SKIP_WITHOUT_FFMPEG();
  CheckInterruptions(ContainerFormat::kMp4, "cycle.mp4");
}

TEST(CycleComposerTest, FlvCoversAnInterruptedPublishWithContinuousTimestamps) {
  SKIP_WITHOUT_FFMPEG();
  CheckInterruptions(ContainerFormat::kFlv, "cycle.flv");
}

TEST(CycleComposerTest, ResumedSliceMarkedByTheCallerIsRebased) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto first = MakeSlices(dir.File(""), "a", 2);
  // Its clock continues 0.5 s after the first part: within the jump tolerance.
  const auto second =
      MakeSlices(dir.File(""), "b", 2, "libx264", "aac", "320x240", "-output_ts_offset 2.5");
  const std::string out = dir.File("cycle.mp4");
  ComposeOptions options;
  options.resumed_slices = {first.size()};
  auto report = ComposeCycle(Concat(first, second), ContainerFormat::kMp4, out, options);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->rebased_slices, (std::vector<size_t>{first.size()}));
  const double parts = RemuxedDuration(dir.File(""), first) + RemuxedDuration(dir.File(""), second);
  ExpectPlayable(out, parts, "h264", "aac", 320, 240);
  ExpectContinuous(out, "v:0", 0.1);
  ExpectContinuous(out, "a:0", 0.1);
}

TEST(CycleComposerTest, ResolutionChangeEndsTheFileBeforeTheChangingSlice) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto small = MakeSlices(dir.File(""), "a", 2);
  const auto large = MakeSlices(dir.File(""), "b", 2, "libx264", "aac", "640x360");
  const auto slices = Concat(small, large);
  const std::string out = dir.File("cycle.mp4");
  auto report = ComposeCycle(slices, ContainerFormat::kMp4, out);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->parameter_change_at, small.size());
  EXPECT_EQ(report->slices_composed, small.size());
  ExpectPlayable(out, 2.0, "h264", "aac", 320, 240);
  // The caller composes the rest into a new file.
  const std::string next = dir.File("cycle_1.mp4");
  auto rest = ComposeCycle(std::vector<std::string>(slices.begin() + 2, slices.end()),
                           ContainerFormat::kMp4, next);
  ASSERT_TRUE(rest.has_value()) << rest.error().ToString();
  EXPECT_FALSE(rest->parameter_change_at.has_value());
  EXPECT_EQ(rest->width, 640);
  ExpectPlayable(next, 2.0, "h264", "aac", 640, 360);
}

TEST(CycleComposerTest, AudioCodecChangeEndsTheFileToo) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto aac = MakeSlices(dir.File(""), "a", 2);
  const auto mp3 = MakeSlices(dir.File(""), "b", 2, "libx264", "libmp3lame");
  auto report = ComposeCycle(Concat(aac, mp3), ContainerFormat::kFlv, dir.File("cycle.flv"));
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->parameter_change_at, aac.size());
}

TEST(CycleComposerTest, HevcGoesIntoMp4WithTheHvc1SampleEntry) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto slices = MakeSlices(dir.File(""), "s", 2, "libx265");
  const std::string out = dir.File("cycle.mp4");
  auto report = ComposeCycle(slices, ContainerFormat::kMp4, out);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->video_codec, CodecId::kHevc);
  ExpectPlayable(out, 2.0, "hevc", "aac", 320, 240);
  EXPECT_EQ(StreamOf(Probe(out), "video")["codec_tag_string"], "hvc1");
}

TEST(CycleComposerTest, HevcInFlvIsUnsupportedAndLeavesNoFile) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto slices = MakeSlices(dir.File(""), "s", 1, "libx265");
  const std::string out = dir.File("cycle.flv");
  auto report = ComposeCycle(slices, ContainerFormat::kFlv, out);
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code(), ErrorCode::kMediaUnsupported) << report.error().ToString();
  EXPECT_NE(report.error().detail().find("hevc"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".tmp"));
}

TEST(CycleComposerTest, Mp3AudioGoesIntoMp4AndFlv) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto slices = MakeSlices(dir.File(""), "s", 2, "libx264", "libmp3lame");
  for (const auto format : {ContainerFormat::kMp4, ContainerFormat::kFlv}) {
    const std::string out = dir.File(format == ContainerFormat::kMp4 ? "c.mp4" : "c.flv");
    auto report = ComposeCycle(slices, format, out);
    ASSERT_TRUE(report.has_value()) << report.error().ToString();
    EXPECT_EQ(report->audio_codec, CodecId::kMp3);
    ExpectPlayable(out, 2.0, "h264", "mp3", 320, 240);
  }
}

}  // namespace
}  // namespace liverec::media::compose
