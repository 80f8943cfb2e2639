// liverec's MP4 writer against libavformat's mov muxer: the same slices composed both ways
// must give ffprobe the same packets (timestamps, keyframe flags, sizes, so the same bytes in
// the samples) and the same stream parameters, for every codec the recorder takes.
#include "media/compose/mp4_file_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "media/compose/compose_test_support.h"
#include "media/compose/cycle_composer.h"
#include "media/ts/ts_test_support.h"

namespace liverec::media::compose {
namespace {

using test_support::MakeSlices;
using test_support::TopLevelBoxes;
using ts::test_support::Capture;
using ts::test_support::DecodesCleanly;
using ts::test_support::ReadFileBytes;
using ts::test_support::RunCommand;
using ts::test_support::TempDir;

// Every packet of `selector` ("v:0", "a:0") as ffprobe reads it: PTS, DTS, size, flags.
// (How the tracks interleave in the mdat may differ.)
std::string Packets(const std::string& path, const std::string& selector) {
  auto out = Capture("ffprobe -v error -select_streams " + selector +
                     " -show_entries packet=pts,dts,size,flags -of csv=p=0 '" + path + "'");
  return out.value_or("");
}

// What a player learns about the streams and the file.
std::string Streams(const std::string& path) {
  auto out = Capture(
      "ffprobe -v error -show_entries "
      "stream=index,codec_name,codec_tag_string,profile,width,height,pix_fmt,sample_rate,"
      "channels,time_base,start_pts,duration_ts,nb_frames,extradata_size:format=format_name,"
      "start_time,duration "
      "-of compact '" +
      path + "'");
  return out.value_or("");
}

void Compose(const std::vector<std::string>& slices, Mp4Writer writer, const std::string& out) {
  ComposeOptions options;
  options.mp4_writer = writer;
  auto report = ComposeCycle(slices, ContainerFormat::kMp4, out, options);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
}

// Composes `slices` into `dir` both ways and compares what ffprobe reads.
void ExpectLikeLibavformat(const std::vector<std::string>& slices, const std::string& dir) {
  ASSERT_FALSE(slices.empty());
  const std::string own = dir + "/own.mp4";
  const std::string libav = dir + "/libav.mp4";
  Compose(slices, Mp4Writer::kOwn, own);
  Compose(slices, Mp4Writer::kLibavformat, libav);
  const std::string video = Packets(libav, "v:0");
  const std::string audio = Packets(libav, "a:0");
  EXPECT_GT(video.size() + audio.size(), 100u);
  EXPECT_EQ(Packets(own, "v:0"), video);
  EXPECT_EQ(Packets(own, "a:0"), audio);
  EXPECT_EQ(Streams(own), Streams(libav));
  EXPECT_TRUE(DecodesCleanly(own));
  const auto boxes = TopLevelBoxes(ReadFileBytes(own));
  ASSERT_GE(boxes.size(), 3u);
  EXPECT_EQ(boxes[0], "ftyp");
  EXPECT_EQ(boxes[1], "moov") << "the moov comes before the media data";
  EXPECT_EQ(boxes.back(), "mdat");
}

TEST(Mp4FileWriterTest, H264AndAacAreWrittenAsLibavformatWritesThem) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  ExpectLikeLibavformat(MakeSlices(dir.File(""), "s", 4), dir.File(""));
}

TEST(Mp4FileWriterTest, HevcAndMp3AreWrittenAsLibavformatWritesThem) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  ExpectLikeLibavformat(MakeSlices(dir.File(""), "s", 3, "libx265", "libmp3lame"), dir.File(""));
}

TEST(Mp4FileWriterTest, VideoOnlyAndAudioOnlyFilesToo) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  for (const std::string drop : {"-an", "-vn"}) {
    SCOPED_TRACE(drop);
    const std::string sub = dir.File(drop.substr(1));
    std::filesystem::create_directories(sub);
    ExpectLikeLibavformat(MakeSlices(sub, "s", 3, "libx264", "aac", "320x240", drop), sub);
  }
}

// The recorder's own slices (TsSliceWriter: AUD and parameter sets before keyframes).
TEST(Mp4FileWriterTest, SlicesOfTheOwnTsMuxerToo) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const std::string flv = dir.File("in.flv");
  ASSERT_EQ(RunCommand("ffmpeg -v error -y -f lavfi -i testsrc2=size=320x240:rate=30 -f lavfi -i "
                       "sine=frequency=440:sample_rate=48000 -t 4 -c:v libx264 -preset ultrafast "
                       "-g 30 -bf 2 -pix_fmt yuv420p -c:a aac -f flv '" +
                       flv + "'"),
            0);
  const std::string sub = dir.File("slices");
  std::filesystem::create_directories(sub);
  ExpectLikeLibavformat(test_support::SlicesOfTsSliceWriter(sub, flv), dir.File(""));
}

// A short file's moov fits in the room left in front of the data (the rest stays a free box);
// a longer one's does not, and the data is moved forward to make room. Both play whole.
TEST(Mp4FileWriterTest, TheMoovGoesInFrontOfTheDataWhetherItFitsThereOrNot) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto audio = MakeSlices(dir.File(""), "a", 2, "libx264", "aac", "320x240", "-vn");
  const auto both = MakeSlices(dir.File(""), "b", 8);
  const std::string small = dir.File("small.mp4");
  const std::string large = dir.File("large.mp4");
  Compose(audio, Mp4Writer::kOwn, small);
  Compose(both, Mp4Writer::kOwn, large);
  EXPECT_EQ(TopLevelBoxes(ReadFileBytes(small)),
            (std::vector<std::string>{"ftyp", "moov", "free", "free", "mdat"}));
  EXPECT_EQ(TopLevelBoxes(ReadFileBytes(large)),
            (std::vector<std::string>{"ftyp", "moov", "free", "mdat"}));
  EXPECT_GT(ReadFileBytes(large).size(), 4096u + 100'000u);
  for (const std::string& path : {small, large}) {
    EXPECT_TRUE(DecodesCleanly(path)) << path;
  }
}

TEST(Mp4FileWriterTest, FinishTwiceAndUnknownTracksAreRefused) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto slices = MakeSlices(dir.File(""), "s", 1, "libx264", "aac", "320x240", "-an");
  ASSERT_EQ(slices.size(), 1u);
  Compose(slices, Mp4Writer::kOwn, dir.File("a.mp4"));
  EXPECT_FALSE(Mp4FileWriter::Create(dir.File("b.mp4"), nullptr, nullptr).has_value());
  EXPECT_FALSE(Mp4FileWriter::Create(dir.File("missing/c.mp4"), nullptr, nullptr).has_value());
}

}  // namespace
}  // namespace liverec::media::compose
