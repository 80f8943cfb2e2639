// TsSliceReader::OpenLike: a slice of the first slice's configuration is read without the probe,
// packet for packet as the probe would have it read; any other configuration is probed.
#include "media/compose/ts_slice_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

extern "C" {
#include <libavcodec/packet.h>
}

#include "media/compose/compose_test_support.h"
#include "media/ts/ts_test_support.h"

namespace liverec::media::compose {
namespace {

using test_support::MakeSlices;
using ts::test_support::TempDir;

struct Packet {
  TrackKind kind;
  int64_t dts, pts, duration;
  int flags;
  std::vector<uint8_t> data;
  bool operator==(const Packet&) const = default;
};

std::vector<Packet> ReadAll(TsSliceReader& reader) {
  std::vector<Packet> packets;
  AVPacket* p = av_packet_alloc();
  TrackKind kind;
  while (true) {
    auto more = reader.Read(p, kind);
    EXPECT_TRUE(more.has_value()) << more.error().ToString();
    if (!more || !*more) break;
    packets.push_back({kind, p->dts, p->pts, p->duration, p->flags,
                       std::vector<uint8_t>(p->data, p->data + p->size)});
  }
  av_packet_free(&p);
  return packets;
}

std::unique_ptr<TsSliceReader> OpenOrFail(const std::string& path) {
  auto reader = TsSliceReader::Open(path);
  EXPECT_TRUE(reader.has_value()) << reader.error().ToString();
  return reader ? std::move(*reader) : nullptr;
}

// Every slice after the first: not probed, the same parameters and the same packets (kind,
// timestamps, durations, flags, bytes) as when probed.
void ExpectReadLikeTheProbe(const std::vector<std::string>& slices) {
  ASSERT_GE(slices.size(), 2u);
  auto first = OpenOrFail(slices[0]);
  ASSERT_NE(first, nullptr);
  EXPECT_TRUE(first->probed());
  for (size_t i = 1; i < slices.size(); ++i) {
    SCOPED_TRACE(slices[i]);
    auto probed = OpenOrFail(slices[i]);
    auto like = TsSliceReader::OpenLike(slices[i], *first);
    ASSERT_NE(probed, nullptr);
    ASSERT_TRUE(like.has_value()) << like.error().ToString();
    EXPECT_FALSE((*like)->probed());
    EXPECT_EQ((*like)->video_parameters(), probed->video_parameters());
    EXPECT_EQ((*like)->audio_parameters(), probed->audio_parameters());
    const auto expected = ReadAll(*probed);
    const auto read = ReadAll(**like);
    ASSERT_FALSE(expected.empty());
    ASSERT_EQ(read.size(), expected.size());
    for (size_t k = 0; k < read.size(); ++k) ASSERT_TRUE(read[k] == expected[k]) << "packet " << k;
  }
}

TEST(TsSliceReaderTest, H264AndAacSlicesAfterTheFirstAreReadWithoutTheProbe) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  ExpectReadLikeTheProbe(MakeSlices(dir.File(""), "s", 3));
}

TEST(TsSliceReaderTest, HevcAndMp3SlicesAfterTheFirstAreReadWithoutTheProbe) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  ExpectReadLikeTheProbe(MakeSlices(dir.File(""), "s", 3, "libx265", "libmp3lame"));
}

TEST(TsSliceReaderTest, AudioOnlySlicesAfterTheFirstAreReadWithoutTheProbe) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  ASSERT_EQ(ts::test_support::RunCommand(
                "ffmpeg -v error -f lavfi -i sine=frequency=440:sample_rate=48000 -t 3 -c:a aac "
                "-f segment -segment_time 1 -segment_format mpegts '" +
                dir.File("a%03d.ts") + "'"),
            0);
  ExpectReadLikeTheProbe({dir.File("a000.ts"), dir.File("a001.ts"), dir.File("a002.ts")});
}

// The recorder's own slices (TsSliceWriter, liverec's muxer), as cycles are composed from.
TEST(TsSliceReaderTest, SlicesOfTheOwnMuxerAfterTheFirstAreReadWithoutTheProbe) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  for (const std::string audio : {"aac", "libmp3lame"}) {
    SCOPED_TRACE(audio);
    const std::string flv = dir.File(audio + ".flv");
    ASSERT_EQ(ts::test_support::RunCommand(
                  "ffmpeg -v error -y -f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i "
                  "sine=frequency=440:sample_rate=44100 -t 3 -c:v libx264 -preset ultrafast -g 25 "
                  "-bf 2 -pix_fmt yuv420p -c:a " +
                  audio + " -f flv '" + flv + "'"),
              0);
    std::filesystem::create_directories(dir.File(audio));
    ExpectReadLikeTheProbe(test_support::SlicesOfTsSliceWriter(dir.File(audio), flv));
  }
}

TEST(TsSliceReaderTest, AnotherPictureSizeIsProbed) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto small = MakeSlices(dir.File(""), "a", 1);
  const auto large = MakeSlices(dir.File(""), "b", 1, "libx264", "aac", "640x360");
  auto first = OpenOrFail(small[0]);
  ASSERT_NE(first, nullptr);
  auto like = TsSliceReader::OpenLike(large[0], *first);
  ASSERT_TRUE(like.has_value()) << like.error().ToString();
  EXPECT_TRUE((*like)->probed());
  ASSERT_TRUE((*like)->video_parameters().has_value());
  EXPECT_EQ((*like)->video_parameters()->width, 640);
  EXPECT_NE((*like)->video_parameters(), first->video_parameters());
  EXPECT_EQ((*like)->audio_parameters(), first->audio_parameters());
}

TEST(TsSliceReaderTest, AnotherSampleRateOrAudioCodecIsProbed) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto base = MakeSlices(dir.File(""), "a", 1);
  const auto rate = MakeSlices(dir.File(""), "b", 1, "libx264", "aac", "320x240", "-ar 22050");
  const auto mp3 = MakeSlices(dir.File(""), "c", 1, "libx264", "libmp3lame");
  auto first = OpenOrFail(base[0]);
  ASSERT_NE(first, nullptr);
  auto other_rate = TsSliceReader::OpenLike(rate[0], *first);
  ASSERT_TRUE(other_rate.has_value()) << other_rate.error().ToString();
  EXPECT_TRUE((*other_rate)->probed());
  ASSERT_TRUE((*other_rate)->audio_parameters().has_value());
  EXPECT_EQ((*other_rate)->audio_parameters()->sample_rate, 22050);
  auto other_codec = TsSliceReader::OpenLike(mp3[0], *first);
  ASSERT_TRUE(other_codec.has_value()) << other_codec.error().ToString();
  EXPECT_TRUE((*other_codec)->probed());
  ASSERT_TRUE((*other_codec)->audio_parameters().has_value());
  EXPECT_EQ((*other_codec)->audio_parameters()->codec, CodecId::kMp3);
}

TEST(TsSliceReaderTest, AMissingOrBrokenSliceFailsAsWithTheProbe) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto slices = MakeSlices(dir.File(""), "a", 1);
  auto first = OpenOrFail(slices[0]);
  ASSERT_NE(first, nullptr);
  auto missing = TsSliceReader::OpenLike(dir.File("none.ts"), *first);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kStorageFailure);
  ts::test_support::WriteFileBytes(dir.File("garbage.ts"), std::vector<uint8_t>(4096, 0x47));
  auto garbage = TsSliceReader::OpenLike(dir.File("garbage.ts"), *first);
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(garbage.error().code(), TsSliceReader::Open(dir.File("garbage.ts")).error().code());
}

}  // namespace
}  // namespace liverec::media::compose
