// TsMuxer against libavformat: every stream written by the own muxer is demuxed by
// libavformat's mpegts demuxer (and by the strict reader of ts_test_parse.h) into the same
// frames, timestamps and keyframe flags as the input, and the same as libavformat's own muxer
// gives; and property tests over generated streams.
#include "media/ts/ts_muxer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

extern "C" {
#include <libavcodec/packet.h>
#include <libavformat/avformat.h>
}

#include "media/compose/ts_slice_reader.h"
#include "media/ts/ts_slice_writer.h"
#include "media/ts/ts_test_parse.h"
#include "media/ts/ts_test_support.h"

namespace liverec::media::ts {
namespace {

using test_support::Media;
using test_support::RunCommand;
using test_support::TempDir;

// One frame as a demuxer gives it back, timestamps in 90 kHz, payload without framing: NAL
// units (4-byte lengths) without delimiters and without parameter sets the input did not
// carry; audio without its ADTS header.
struct Frame {
  TrackKind kind;
  int64_t pts;
  int64_t dts;
  bool keyframe;
  std::vector<uint8_t> payload;
  bool operator==(const Frame&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Frame& f) {
  return os << (f.kind == TrackKind::kVideo ? "video" : "audio") << " pts " << f.pts << " dts "
            << f.dts << (f.keyframe ? " key" : "") << " " << f.payload.size() << " bytes";
}

bool IsHevc(const Media& media) { return media.video && media.video->codec == CodecId::kHevc; }

// The NAL units a muxer may add: delimiters (by type) and the units of the decoder
// configuration record (by content: HEVC records also carry SEI, e.g. x265's settings).
struct Framing {
  bool hevc = false;
  std::vector<std::vector<uint8_t>> record_units;

  explicit Framing(const Media& media) : hevc(IsHevc(media)) {
    if (!media.video) return;
    auto annexb = AnnexbFraming::Create(*media.video);
    EXPECT_TRUE(annexb.has_value());
    if (!annexb) return;
    const std::vector<uint8_t>& sets = annexb->parameter_sets();
    std::vector<size_t> starts;
    for (size_t i = 0; i + 4 <= sets.size(); ++i) {
      if (sets[i] == 0 && sets[i + 1] == 0 && sets[i + 2] == 0 && sets[i + 3] == 1) {
        starts.push_back(i + 4);
      }
    }
    for (size_t k = 0; k < starts.size(); ++k) {
      const size_t end = k + 1 < starts.size() ? starts[k + 1] - 4 : sets.size();
      record_units.emplace_back(sets.begin() + starts[k], sets.begin() + end);
    }
  }

  bool Added(const uint8_t* nal, size_t size) const {
    const int type = hevc ? (nal[0] >> 1) & 0x3f : nal[0] & 0x1f;
    if (type == (hevc ? 35 : 9)) return true;
    for (const auto& unit : record_units) {
      if (unit.size() == size && std::equal(unit.begin(), unit.end(), nal)) return true;
    }
    return false;
  }
};

void AppendNal(std::vector<uint8_t>& out, const uint8_t* nal, size_t n) {
  out.insert(out.end(), {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                         static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
  out.insert(out.end(), nal, nal + n);
}

// Annex B -> 4-byte-length NAL units, without what a muxer adds.
std::vector<uint8_t> FromAnnexb(const uint8_t* data, size_t size, const Framing& framing) {
  std::vector<size_t> starts;  // positions after each start code
  for (size_t i = 0; i + 3 <= size; ++i) {
    if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
      starts.push_back(i + 3);
      i += 2;
    }
  }
  std::vector<uint8_t> out;
  for (size_t k = 0; k < starts.size(); ++k) {
    size_t end = k + 1 < starts.size() ? starts[k + 1] - 3 : size;
    while (end > starts[k] && data[end - 1] == 0) --end;  // the 4th byte of the next code
    const size_t n = end - starts[k];
    if (n > 0 && !framing.Added(data + starts[k], n)) AppendNal(out, data + starts[k], n);
  }
  return out;
}

// The same for the input: its NAL units without delimiters and the record's units.
std::vector<uint8_t> WithoutFraming(const std::vector<uint8_t>& data, const Framing& framing) {
  std::vector<uint8_t> out;
  for (size_t pos = 0; pos + 4 <= data.size();) {
    const size_t n = (size_t{data[pos]} << 24) | (size_t{data[pos + 1]} << 16) |
                     (size_t{data[pos + 2]} << 8) | data[pos + 3];
    if (n > 0 && !framing.Added(data.data() + pos + 4, n)) AppendNal(out, data.data() + pos + 4, n);
    pos += 4 + n;
  }
  return out;
}

// What the input should come back as, per track in decode order.
std::vector<Frame> Expected(const Media& media) {
  const Framing framing(media);
  std::vector<Frame> frames;
  std::optional<int64_t> last[2];
  for (const MediaPacket& p : media.packets) {
    const int t = p.kind == TrackKind::kVideo ? 0 : 1;
    int64_t dts = p.dts_ms * 90;
    if (last[t] && dts <= *last[t]) dts = *last[t] + 1;
    last[t] = dts;
    const bool video = p.kind == TrackKind::kVideo;
    frames.push_back({p.kind, std::max(p.pts_ms * 90, dts), dts, !video || p.keyframe,
                      video ? WithoutFraming(p.data, framing) : p.data});
  }
  return frames;
}

std::vector<uint8_t> Mux(const Media& media, TsMuxerKind kind) {
  MemorySink sink;
  auto writer = TsSliceWriter::Create(media.video, media.audio, sink, kind);
  EXPECT_TRUE(writer.has_value()) << writer.error().ToString();
  if (!writer) return {};
  for (const MediaPacket& packet : media.packets) {
    Status status = (*writer)->Write(packet);
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  EXPECT_TRUE((*writer)->Finish().ok());
  return sink.data();
}

// libavformat's reading of a TS file, in the order it returns the packets.
std::vector<Frame> Demux(const std::string& path, const Media& media) {
  const Framing framing(media);
  std::vector<Frame> frames;
  auto reader = compose::TsSliceReader::Open(path);
  EXPECT_TRUE(reader.has_value()) << reader.error().ToString();
  if (!reader) return frames;
  AVPacket* packet = av_packet_alloc();
  TrackKind kind;
  while (true) {
    auto more = (*reader)->Read(packet, kind);
    EXPECT_TRUE(more.has_value());
    if (!more || !*more) break;
    const bool video = kind == TrackKind::kVideo;
    const AVStream* stream = video ? (*reader)->video() : (*reader)->audio();
    const AVRational tb90 = {1, 90000};
    const int64_t pts = av_rescale_q(packet->pts, stream->time_base, tb90);
    const int64_t dts = av_rescale_q(packet->dts, stream->time_base, tb90);
    std::vector<uint8_t> payload;
    if (video) {
      payload = FromAnnexb(packet->data, packet->size, framing);
    } else {
      const size_t skip = media.audio->codec == CodecId::kAac ? 7 : 0;
      payload.assign(packet->data + skip, packet->data + packet->size);
    }
    frames.push_back({kind, pts, dts, (packet->flags & AV_PKT_FLAG_KEY) != 0, std::move(payload)});
  }
  av_packet_free(&packet);
  return frames;
}

// Frames of one kind, in order.
std::vector<Frame> Of(const std::vector<Frame>& frames, TrackKind kind) {
  std::vector<Frame> out;
  for (const Frame& f : frames) {
    if (f.kind == kind) out.push_back(f);
  }
  return out;
}

// Muxes `media` with both muxers and checks that libavformat demuxes each into the input.
void CheckAgainstLibavformat(const Media& media) {
  TempDir dir;
  const std::vector<Frame> expected = Expected(media);
  for (TsMuxerKind kind : {TsMuxerKind::kOwn, TsMuxerKind::kLibavformat}) {
    SCOPED_TRACE(kind == TsMuxerKind::kOwn ? "own muxer" : "libavformat's muxer");
    const std::string path = dir.File(kind == TsMuxerKind::kOwn ? "own.ts" : "libav.ts");
    test_support::WriteFileBytes(path, Mux(media, kind));
    const std::vector<Frame> demuxed = Demux(path, media);
    for (TrackKind track : {TrackKind::kVideo, TrackKind::kAudio}) {
      const auto want = Of(expected, track);
      const auto got = Of(demuxed, track);
      ASSERT_EQ(got.size(), want.size());
      for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(got[i], want[i]) << "frame " << i;
    }
  }
}

Media FromFlv(const std::string& ffmpeg_args) {
  TempDir dir;
  const std::string flv = dir.File("in.flv");
  EXPECT_EQ(RunCommand("ffmpeg -v error " + ffmpeg_args + " -f flv '" + flv + "'"), 0);
  return test_support::ReadFlvMedia(flv);
}

TEST(TsMuxerTest, H264AndAacComeBackFromLibavformatAsTheyWentIn) {
  SKIP_WITHOUT_FFMPEG();
  const Media media = FromFlv(
      "-f lavfi -i testsrc2=size=640x360:rate=25 -f lavfi -i sine=frequency=440:sample_rate=44100 "
      "-t 3 -c:v libx264 -bf 2 -g 30 -c:a aac");
  ASSERT_TRUE(media.video && media.audio);
  CheckAgainstLibavformat(media);
}

TEST(TsMuxerTest, H264AndMp3ComeBackFromLibavformatAsTheyWentIn) {
  SKIP_WITHOUT_FFMPEG();
  const Media media = FromFlv(
      "-f lavfi -i testsrc2=size=320x240:rate=30 -f lavfi -i sine=frequency=440:sample_rate=44100 "
      "-t 2 -c:v libx264 -g 15 -c:a libmp3lame -ar 44100");
  ASSERT_TRUE(media.video && media.audio);
  ASSERT_EQ(media.audio->codec, CodecId::kMp3);
  CheckAgainstLibavformat(media);
}

TEST(TsMuxerTest, AacAloneComesBackFromLibavformatAsItWentIn) {
  SKIP_WITHOUT_FFMPEG();
  const Media media =
      FromFlv("-f lavfi -i sine=frequency=440:sample_rate=48000 -t 2 -c:a aac -ac 1");
  ASSERT_TRUE(!media.video && media.audio);
  CheckAgainstLibavformat(media);
}

TEST(TsMuxerTest, HevcComesBackFromLibavformatAsItWentIn) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const std::string mp4 = dir.File("in.mp4");
  ASSERT_EQ(
      RunCommand("ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=25 -t 2 -c:v libx265 "
                 "-x265-params log-level=error:keyint=12:bframes=2 -tag:v hvc1 '" +
                 mp4 + "'"),
      0);
  const Media media = test_support::ReadHevcMp4(mp4);  // from DTS 0, as RTMP gives them
  ASSERT_TRUE(media.video.has_value());
  CheckAgainstLibavformat(media);
}

// --- property tests over generated streams, read back by the strict reader ----------------

// A generated H.264 + AAC stream: random frame sizes (0.01–60 KB video, 1–1500 B audio),
// random NAL splits, keyframes, repeated and backward timestamps, B-frame offsets. NAL bytes
// avoid 00 00 so that start codes cannot be emulated.
Media Generated(uint32_t seed) {
  std::mt19937 random(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(random); };
  Media media;
  media.video = CodecConfig{CodecId::kH264, {}, 1280, 720, 0, 0};
  const std::vector<uint8_t> record = {0x01, 0x64, 0x00, 0x1f, 0xff, 0xe1, 0x00, 0x04, 0x67,
                                       0x64, 0x00, 0x1f, 0x01, 0x00, 0x02, 0x68, 0xeb};
  media.video->extradata = record;
  media.audio = CodecConfig{CodecId::kAac, {0x12, 0x10}, 0, 0, 44100, 2};
  int64_t video_ms = uniform(0, 100000);
  int64_t audio_ms = video_ms + uniform(-50, 50);
  const int frames = uniform(20, 200);
  for (int i = 0; i < frames; ++i) {
    const bool video = uniform(0, 1) == 1;
    MediaPacket p;
    p.kind = video ? TrackKind::kVideo : TrackKind::kAudio;
    p.codec = video ? CodecId::kH264 : CodecId::kAac;
    int64_t& clock = video ? video_ms : audio_ms;
    clock += uniform(0, 9) == 0 ? -uniform(0, 40) : uniform(0, 60);  // repeats and steps back
    p.dts_ms = std::max<int64_t>(clock, 0);
    p.pts_ms = p.dts_ms + (video ? uniform(0, 3) * 40 : 0);
    p.keyframe = !video || i == 0 || uniform(0, 9) == 0;
    if (video) {
      for (int n = uniform(1, 4); n > 0; --n) {
        const size_t size = uniform(0, 4) == 0 ? uniform(1, 60000) : uniform(1, 3000);
        for (int shift = 24; shift >= 0; shift -= 8) p.data.push_back(uint8_t(size >> shift));
        p.data.push_back(p.keyframe && n == 1 ? 0x65 : 0x41);
        for (size_t b = 1; b < size; ++b) p.data.push_back(static_cast<uint8_t>(uniform(1, 255)));
      }
    } else {
      p.data.resize(uniform(1, 1500));
      for (auto& b : p.data) b = static_cast<uint8_t>(uniform(0, 255));
    }
    media.packets.push_back(std::move(p));
  }
  return media;
}

TEST(TsMuxerTest, GeneratedStreamsComeBackExactly) {
  const std::vector<uint8_t> aud = {0, 0, 0, 1, 0x09, 0xf0};
  const std::vector<uint8_t> params = {0, 0, 0, 1, 0x67, 0x64, 0x00, 0x1f, 0, 0, 0, 1, 0x68, 0xeb};
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const Media media = Generated(seed);
    const auto parsed = test_support::ParseTs(Mux(media, TsMuxerKind::kOwn));
    ASSERT_FALSE(::testing::Test::HasFailure());
    const std::vector<Frame> expected = Expected(media);
    ASSERT_EQ(parsed.pes.size(), expected.size());
    auto adts = AdtsFraming::Create(media.audio->extradata);
    ASSERT_TRUE(adts.has_value());
    for (size_t i = 0; i < expected.size(); ++i) {
      const auto& pes = parsed.pes[i];
      const Frame& want = expected[i];
      const MediaPacket& in = media.packets[i];
      const bool video = want.kind == TrackKind::kVideo;
      ASSERT_EQ(pes.pid, video ? kVideoPid : kAudioPid) << i;
      EXPECT_EQ(pes.pts, want.pts) << i;
      EXPECT_EQ(pes.dts.value_or(pes.pts), want.dts) << i;
      EXPECT_EQ(pes.random_access, want.keyframe) << i;
      EXPECT_EQ(pes.pcr.has_value(), video) << i;
      std::vector<uint8_t> body;
      if (video) {
        body = aud;
        if (in.keyframe) body.insert(body.end(), params.begin(), params.end());
        for (size_t pos = 0; pos < in.data.size();) {
          const size_t n = (size_t{in.data[pos]} << 24) | (size_t{in.data[pos + 1]} << 16) |
                           (size_t{in.data[pos + 2]} << 8) | in.data[pos + 3];
          body.insert(body.end(), {0, 0, 0, 1});
          body.insert(body.end(), in.data.begin() + pos + 4, in.data.begin() + pos + 4 + n);
          pos += 4 + n;
        }
      } else {
        const auto header = adts->Header(in.data.size());
        body.assign(header.begin(), header.end());
        body.insert(body.end(), in.data.begin(), in.data.end());
      }
      ASSERT_EQ(pes.payload, body) << "frame " << i;
    }
    // PCRs never go backwards and are never more than 40 ms apart while video flows, and the
    // tables open the stream and come again before each later keyframe.
    for (size_t i = 1; i < parsed.pcrs.size(); ++i) ASSERT_GE(parsed.pcrs[i], parsed.pcrs[i - 1]);
    ASSERT_GE(parsed.pids.size(), 2u);
    EXPECT_EQ(parsed.pids[0], kPatPid);
    EXPECT_EQ(parsed.pids[1], kPmtPid);
    size_t keyframes = 0;
    for (const MediaPacket& p : media.packets)
      keyframes += p.kind == TrackKind::kVideo && p.keyframe;
    const bool opens_with_keyframe = media.packets[0].kind == TrackKind::kVideo;  // always key
    EXPECT_EQ(parsed.sections.size(), 2 + 2 * (keyframes - (opens_with_keyframe ? 1 : 0)))
        << "a PAT and a PMT first, and again before every later video keyframe";
  }
}

TEST(TsMuxerTest, AudioOnlyStreamsCarryTheirPcrOnTheAudioPid) {
  Media media = Generated(5);
  media.video.reset();
  std::erase_if(media.packets, [](const MediaPacket& p) { return p.kind == TrackKind::kVideo; });
  const auto parsed = test_support::ParseTs(Mux(media, TsMuxerKind::kOwn));
  ASSERT_EQ(parsed.pes.size(), media.packets.size());
  for (const auto& pes : parsed.pes) EXPECT_TRUE(pes.pcr.has_value());
  EXPECT_EQ(parsed.sections.size(), 2u);
}

TEST(TsMuxerTest, AudioBetweenSparseVideoFramesGetsPcrOnlyPackets) {
  auto muxer = TsMuxer::Create(CodecConfig{CodecId::kH264,
                                           {0x01, 0x64, 0x00, 0x1f, 0xff, 0xe1, 0x00, 0x02, 0x67,
                                            0x64, 0x01, 0x00, 0x01, 0x68},
                                           0,
                                           0,
                                           0,
                                           0},
                               CodecConfig{CodecId::kAac, {0x12, 0x10}, 0, 0, 44100, 2});
  ASSERT_TRUE(muxer.has_value()) << muxer.error().ToString();
  UninitBytes out;
  (*muxer)->WriteTables(out);
  const std::vector<uint8_t> idr = {0, 0, 0, 2, 0x65, 0x11};
  ASSERT_TRUE((*muxer)->Write({TrackKind::kVideo, CodecId::kH264, 0, 0, true, idr}, out).ok());
  for (int64_t ms = 23; ms < 500; ms += 23) {  // 2 fps video: audio alone for 500 ms
    ASSERT_TRUE(
        (*muxer)->Write({TrackKind::kAudio, CodecId::kAac, ms, ms, true, {1, 2, 3}}, out).ok());
  }
  const auto parsed = test_support::ParseTs(out);
  // A PCR-only packet goes out with the first audio frame 40 ms or more after the last PCR.
  ASSERT_GE(parsed.pcrs.size(), 500u / 46);
  for (size_t i = 1; i < parsed.pcrs.size(); ++i) {
    EXPECT_LE(parsed.pcrs[i] - parsed.pcrs[i - 1], (40 + 23) * 90) << i;
  }
}

TEST(TsMuxerTest, BadPacketsAreRefusedAndLeaveNoBytes) {
  auto muxer =
      TsMuxer::Create(std::nullopt, CodecConfig{CodecId::kAac, {0x12, 0x10}, 0, 0, 44100, 2});
  ASSERT_TRUE(muxer.has_value());
  UninitBytes out;
  EXPECT_EQ((*muxer)->Write({TrackKind::kAudio, CodecId::kAac, 0, 0, true, {}}, out).code(),
            ErrorCode::kMediaMalformed);
  EXPECT_EQ(
      (*muxer)
          ->Write({TrackKind::kAudio, CodecId::kAac, 0, 0, true, std::vector<uint8_t>(9000)}, out)
          .code(),
      ErrorCode::kMediaMalformed);
  EXPECT_EQ((*muxer)
                ->Write({TrackKind::kVideo, CodecId::kH264, 0, 0, true, {0, 0, 0, 1, 0x65}}, out)
                .code(),
            ErrorCode::kMediaUnsupported);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace liverec::media::ts
