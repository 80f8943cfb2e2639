#include "media/ts/ts_slice_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

extern "C" {
#include <libavformat/avformat.h>
}

#include "media/flv/flv_test_vectors.h"
#include "media/flv/hevc_config.h"
#include "media/ts/ts_test_support.h"

namespace liverec::media::ts {
namespace {

using test_support::DecodesCleanly;
using test_support::Media;
using test_support::Probe;
using test_support::RunCommand;
using test_support::TempDir;

constexpr size_t kTsPacketSize = 188;

// Writes packets [begin, end) of `media` as one slice into `path`.
void WriteSlice(const Media& media, size_t begin, size_t end, const std::string& path,
                TsMuxerKind kind) {
  MemorySink sink;
  auto writer = TsSliceWriter::Create(media.video, media.audio, sink, kind);
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  EXPECT_EQ((*writer)->kind(), kind);
  for (size_t i = begin; i < end; ++i) {
    Status status = (*writer)->Write(media.packets[i]);
    ASSERT_TRUE(status.ok()) << "packet " << i << ": " << status.ToString();
  }
  Status status = (*writer)->Finish();
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_FALSE(sink.data().empty());
  EXPECT_EQ(sink.data().size() % kTsPacketSize, 0u);
  EXPECT_EQ(sink.data()[0], 0x47);
  test_support::WriteFileBytes(path, sink.data());
}

// Index of the first video keyframe at or after `ms`, or the packet count.
size_t KeyframeAtOrAfter(const Media& media, int64_t ms) {
  for (size_t i = 0; i < media.packets.size(); ++i) {
    const MediaPacket& p = media.packets[i];
    if (p.kind == TrackKind::kVideo && p.keyframe && p.dts_ms >= ms) return i;
  }
  return media.packets.size();
}

double Seconds(const nlohmann::json& value) { return std::stod(value.get<std::string>()); }

// Finds the stream of `codec_type` in ffprobe output.
nlohmann::json StreamOf(const nlohmann::json& probe, const std::string& codec_type) {
  for (const auto& stream : probe["streams"]) {
    if (stream["codec_type"] == codec_type) return stream;
  }
  return nullptr;
}

// Splits `media` at the keyframe nearest after `split_ms`, writes both slices, and checks that
// each decodes, has the expected codecs, and that together they cover `total_seconds`
// back to back.
void CheckTwoSlices(const Media& media, int64_t split_ms, const std::string& video_codec,
                    const std::string& audio_codec, double total_seconds,
                    TsMuxerKind kind = TsMuxerKind::kOwn) {
  TempDir dir;
  const size_t split = media.video ? KeyframeAtOrAfter(media, split_ms) : media.packets.size() / 2;
  ASSERT_GT(split, 0u);
  ASSERT_LT(split, media.packets.size());
  const std::string first = dir.File("0.ts");
  const std::string second = dir.File("1.ts");
  WriteSlice(media, 0, split, first, kind);
  WriteSlice(media, split, media.packets.size(), second, kind);

  double start[2];
  double duration[2];
  int index = 0;
  for (const std::string& path : {first, second}) {
    const nlohmann::json probe = Probe(path);
    ASSERT_TRUE(probe.is_object()) << path;
    EXPECT_EQ(probe["format"]["format_name"], "mpegts");
    const nlohmann::json video = StreamOf(probe, "video");
    const nlohmann::json audio = StreamOf(probe, "audio");
    if (video_codec.empty()) {
      EXPECT_TRUE(video.is_null());
    } else {
      ASSERT_TRUE(video.is_object()) << probe.dump();
      EXPECT_EQ(video["codec_name"], video_codec);
      EXPECT_EQ(video["width"], media.video->width);
      EXPECT_EQ(video["height"], media.video->height);
    }
    if (audio_codec.empty()) {
      EXPECT_TRUE(audio.is_null());
    } else {
      ASSERT_TRUE(audio.is_object()) << probe.dump();
      EXPECT_EQ(audio["codec_name"], audio_codec);
      EXPECT_EQ(std::stoi(audio["sample_rate"].get<std::string>()), media.audio->sample_rate);
      EXPECT_EQ(audio["channels"], media.audio->channels);
    }
    start[index] = Seconds(probe["format"]["start_time"]);
    duration[index] = Seconds(probe["format"]["duration"]);
    EXPECT_TRUE(DecodesCleanly(path));
    ++index;
  }
  EXPECT_NEAR(duration[0] + duration[1], total_seconds, 0.15);
  // Timestamps are not rebased: the first slice starts at the stream's first timestamp.
  EXPECT_NEAR(start[0], media.packets[0].pts_ms / 1000.0, 0.1);
  // Timestamps are kept, so the second slice starts where the first one ends.
  EXPECT_NEAR(start[1], start[0] + duration[0], 0.1);
  if (media.video) {
    EXPECT_NEAR(start[1] - start[0], media.packets[split].dts_ms / 1000.0, 0.1);
  }
}

TEST(TsSliceWriterTest, H264AndAacSlicesSplitAtAKeyframePlayBackToBack) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const std::string flv = dir.File("in.flv");
  ASSERT_EQ(RunCommand("ffmpeg -v error -f lavfi -i testsrc2=size=640x360:rate=25 -f lavfi "
                       "-i sine=frequency=1000:sample_rate=44100 -t 4 -c:v libx264 -g 25 -c:a aac "
                       "-f flv '" +
                       flv + "'"),
            0);
  const Media media = test_support::ReadFlvMedia(flv);
  ASSERT_TRUE(media.video && media.audio);
  EXPECT_EQ(media.video->width, 640);
  EXPECT_EQ(media.video->height, 360);
  EXPECT_EQ(media.audio->sample_rate, 44100);
  CheckTwoSlices(media, 2000, "h264", "aac", 4.0);
  // libavformat's muxer (the path for AAC that ADTS cannot carry) writes the same slices.
  CheckTwoSlices(media, 2000, "h264", "aac", 4.0, TsMuxerKind::kLibavformat);
}

TEST(TsSliceWriterTest, AudioOnlyAacSlices) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const std::string flv = dir.File("in.flv");
  ASSERT_EQ(RunCommand("ffmpeg -v error -f lavfi -i sine=frequency=1000:sample_rate=48000 -t 3 "
                       "-c:a aac -ac 2 -f flv '" +
                       flv + "'"),
            0);
  const Media media = test_support::ReadFlvMedia(flv);
  ASSERT_FALSE(media.video.has_value());
  ASSERT_TRUE(media.audio.has_value());
  CheckTwoSlices(media, 0, "", "aac", 3.0);
}

TEST(TsSliceWriterTest, H264AndMp3Slices) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const std::string flv = dir.File("in.flv");
  ASSERT_EQ(RunCommand("ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi "
                       "-i sine=frequency=1000:sample_rate=44100 -t 3 -c:v libx264 -g 25 "
                       "-c:a libmp3lame -f flv '" +
                       flv + "'"),
            0);
  const Media media = test_support::ReadFlvMedia(flv);
  ASSERT_TRUE(media.video && media.audio);
  EXPECT_EQ(media.audio->codec, CodecId::kMp3);
  CheckTwoSlices(media, 1000, "h264", "mp3", 3.0);
}

TEST(TsSliceWriterTest, HevcSlicesFromAnMp4) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const std::string mp4 = dir.File("in.mp4");
  ASSERT_EQ(
      RunCommand("ffmpeg -v error -f lavfi -i testsrc2=size=640x360:rate=25 -t 3 -c:v libx265 "
                 "-x265-params log-level=error:keyint=25:min-keyint=25 -tag:v hvc1 '" +
                 mp4 + "'"),
      0);
  const Media media = test_support::ReadHevcMp4(mp4);
  ASSERT_TRUE(media.video.has_value());
  ASSERT_FALSE(media.packets.empty());
  EXPECT_EQ(media.video->width, 640);
  EXPECT_EQ(media.video->height, 360);
  CheckTwoSlices(media, 1000, "hevc", "", 3.0);
}

// --- without ffmpeg: contract and failure paths -------------------------------------------

CodecConfig Avc720pConfig() {
  CodecConfig config;
  config.codec = CodecId::kH264;
  config.extradata.assign(std::begin(flv::testdata::kAvc720pTag) + 5,
                          std::end(flv::testdata::kAvc720pTag));
  config.width = 1280;
  config.height = 720;
  return config;
}

CodecConfig AacConfig() {
  CodecConfig config;
  config.codec = CodecId::kAac;
  config.extradata = {0x12, 0x10};
  config.sample_rate = 44100;
  config.channels = 2;
  return config;
}

MediaPacket AacPacket(int64_t ms) {
  return MediaPacket{TrackKind::kAudio, CodecId::kAac, ms, ms, true, {0x21, 0x10, 0x04, 0x60}};
}

MediaPacket IdrPacket(int64_t ms) {
  return MediaPacket{
      TrackKind::kVideo, CodecId::kH264, ms, ms, true, {0, 0, 0, 4, 0x65, 0x88, 0x84, 0x00}};
}

// The PIDs of the TS packets in `ts`, in order.
std::vector<int> Pids(const std::vector<uint8_t>& ts) {
  std::vector<int> pids;
  for (size_t i = 0; i + kTsPacketSize <= ts.size(); i += kTsPacketSize) {
    EXPECT_EQ(ts[i], 0x47) << "sync byte at " << i;
    pids.push_back(((ts[i + 1] & 0x1f) << 8) | ts[i + 2]);
  }
  return pids;
}

TEST(TsSliceWriterTest, SliceStartsWithPatAndPmt) {
  MemorySink sink;
  auto writer = TsSliceWriter::Create(Avc720pConfig(), AacConfig(), sink);
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  ASSERT_TRUE((*writer)->Write(IdrPacket(0)).ok());
  ASSERT_TRUE((*writer)->Write(AacPacket(10)).ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  const std::vector<int> pids = Pids(sink.data());
  ASSERT_GE(pids.size(), 4u);
  EXPECT_EQ(sink.data().size() % kTsPacketSize, 0u);
  // The tables come first (PAT 0, PMT 0x1000; libavformat's muxer writes an SDT 0x11 before
  // them, the own one does not), before any elementary stream packet (PIDs from 0x100).
  const std::vector<int> tables(pids.begin(), pids.begin() + 2);
  EXPECT_EQ(std::count(tables.begin(), tables.end(), 0x0000), 1);
  EXPECT_EQ(std::count(tables.begin(), tables.end(), 0x1000), 1);
  EXPECT_LT(std::find(pids.begin(), pids.end(), 0x0000) - pids.begin(),
            std::find(pids.begin(), pids.end(), 0x1000) - pids.begin());
}

// A low-bitrate stream fills the 32 KiB buffer slowly; its media still reaches the sink at
// least every 400 ms of media, so a crash cannot take more than that of a slice (plus what
// waits unread for the next read tick, ≤ 100 ms).
TEST(TsSliceWriterTest, MediaReachesTheSinkAtLeastEvery400Ms) {
  MemorySink sink;
  auto writer = TsSliceWriter::Create(std::nullopt, AacConfig(), sink);
  ASSERT_TRUE(writer.has_value());
  std::vector<int64_t> grew_at;  // media times after which the sink had new bytes
  size_t size = 0;
  for (int64_t ms = 0; ms <= 3000; ms += 23) {
    ASSERT_TRUE((*writer)->Write(AacPacket(ms)).ok());
    if (sink.data().size() > size) {
      size = sink.data().size();
      grew_at.push_back(ms);
    }
  }
  // 3 s of tiny frames: a few KiB, far from filling the buffer.
  ASSERT_GE(grew_at.size(), 5u) << "the sink saw " << size << " bytes before Finish";
  EXPECT_LE(grew_at.front(), 400 + 23);
  for (size_t i = 1; i < grew_at.size(); ++i) EXPECT_LE(grew_at[i] - grew_at[i - 1], 400 + 23);
  EXPECT_EQ(size % kTsPacketSize, 0u);  // whole TS packets each time
  ASSERT_TRUE((*writer)->Finish().ok());
}

TEST(TsSliceWriterTest, RepeatedAndBackwardTimestampsAreAccepted) {
  MemorySink sink;
  auto writer = TsSliceWriter::Create(std::nullopt, AacConfig(), sink);
  ASSERT_TRUE(writer.has_value());
  for (int64_t ms : {0, 23, 23, 20, 46}) {
    Status status = (*writer)->Write(AacPacket(ms));
    EXPECT_TRUE(status.ok()) << ms << ": " << status.ToString();
  }
  EXPECT_TRUE((*writer)->Finish().ok());
}

TEST(TsSliceWriterTest, NeedsATrackWithASupportedCodec) {
  MemorySink sink;
  auto none = TsSliceWriter::Create(std::nullopt, std::nullopt, sink);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), ErrorCode::kMediaUnsupported);
  auto audio_as_video = TsSliceWriter::Create(AacConfig(), std::nullopt, sink);
  ASSERT_FALSE(audio_as_video.has_value());
  EXPECT_EQ(audio_as_video.error().code(), ErrorCode::kMediaUnsupported);
}

TEST(TsSliceWriterTest, BadDecoderConfigurationRecordFailsCreate) {
  MemorySink sink;
  CodecConfig config = Avc720pConfig();
  config.extradata = {0x01, 0x64};
  auto writer = TsSliceWriter::Create(config, std::nullopt, sink);
  ASSERT_FALSE(writer.has_value());
  EXPECT_EQ(writer.error().code(), ErrorCode::kMuxerFailure);
}

TEST(TsSliceWriterTest, PacketOfAnUnconfiguredTrackIsAnError) {
  MemorySink sink;
  auto writer = TsSliceWriter::Create(std::nullopt, AacConfig(), sink);
  ASSERT_TRUE(writer.has_value());
  Status status = (*writer)->Write(IdrPacket(0));
  EXPECT_EQ(status.code(), ErrorCode::kMediaUnsupported);
  MediaPacket mp3 = AacPacket(0);
  mp3.codec = CodecId::kMp3;
  EXPECT_EQ((*writer)->Write(mp3).code(), ErrorCode::kMediaUnsupported);
}

TEST(TsSliceWriterTest, WriteAfterFinishAndSecondFinishAreErrors) {
  MemorySink sink;
  auto writer = TsSliceWriter::Create(std::nullopt, AacConfig(), sink);
  ASSERT_TRUE(writer.has_value());
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_FALSE((*writer)->Write(AacPacket(0)).ok());
  EXPECT_FALSE((*writer)->Finish().ok());
}

class FailingSink final : public ByteSink {
 public:
  Status Write(std::span<const uint8_t>) override {
    return Status(ErrorCode::kStorageFailure, {}, "disk full");
  }
};

TEST(TsSliceWriterTest, SinkFailureIsReported) {
  FailingSink sink;
  auto writer = TsSliceWriter::Create(Avc720pConfig(), AacConfig(), sink);
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();  // header still buffered
  Status status;
  for (int i = 0; i < 200 && status.ok(); ++i) {
    MediaPacket big = IdrPacket(int64_t{i} * 40);
    big.data.resize(4 + 2000, 0x11);
    big.data[2] = 0x07;
    big.data[3] = 0xd0;  // NAL length 2000
    status = (*writer)->Write(big);
  }
  if (status.ok()) status = (*writer)->Finish();
  EXPECT_EQ(status.code(), ErrorCode::kStorageFailure) << status.ToString();
}

TEST(TsSliceWriterTest, DestroyingAnUnfinishedWriterIsSafe) {
  MemorySink sink;
  auto writer = TsSliceWriter::Create(Avc720pConfig(), AacConfig(), sink);
  ASSERT_TRUE(writer.has_value());
  ASSERT_TRUE((*writer)->Write(IdrPacket(0)).ok());
  writer->reset();
  SUCCEED();
}

}  // namespace
}  // namespace liverec::media::ts
