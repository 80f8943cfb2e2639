#include "media/flv/flv_tag_parser.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/random.h"
#include "media/flv/flv_test_vectors.h"

namespace liverec::media::flv {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Concat(std::initializer_list<std::span<const uint8_t>> parts) {
  Bytes out;
  for (auto part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

Bytes AsBytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

// An IDR slice NAL unit and a non-IDR one, with 4-byte lengths (content is opaque to the parser).
const Bytes kIdrNalus = {0, 0, 0, 3, 0x65, 0x88, 0x84, 0, 0, 0, 2, 0x06, 0x05};
const Bytes kInterNalus = {0, 0, 0, 2, 0x41, 0x9a};

TEST(FlvTagParserTest, AvcSequenceHeaderYieldsConfigWithSize) {
  FlvTagParser parser;
  auto result = parser.ParseVideo(testdata::kAvc720pTag, 0);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  ASSERT_TRUE(result->config.has_value());
  EXPECT_FALSE(result->packet.has_value());
  EXPECT_EQ(result->config->codec, CodecId::kH264);
  EXPECT_EQ(result->config->width, 1280);
  EXPECT_EQ(result->config->height, 720);
  EXPECT_EQ(result->config->extradata,
            Bytes(std::begin(testdata::kAvc720pTag) + 5, std::end(testdata::kAvc720pTag)));
  EXPECT_EQ(parser.video_config(), result->config);
}

TEST(FlvTagParserTest, AvcFramesCarryTimestampsAndKeyframeFlag) {
  FlvTagParser parser;
  ASSERT_TRUE(parser.ParseVideo(testdata::kAvc1080pBaselineTag, 0).has_value());
  EXPECT_EQ(parser.video_config()->width, 1920);
  EXPECT_EQ(parser.video_config()->height, 1080);

  auto key = parser.ParseVideo(Concat({Bytes{0x17, 0x01, 0x00, 0x00, 0x50}, kIdrNalus}), 1000);
  ASSERT_TRUE(key.has_value()) << key.error().ToString();
  ASSERT_TRUE(key->packet.has_value());
  EXPECT_FALSE(key->config.has_value());
  EXPECT_EQ(key->packet->kind, TrackKind::kVideo);
  EXPECT_EQ(key->packet->codec, CodecId::kH264);
  EXPECT_EQ(key->packet->dts_ms, 1000);
  EXPECT_EQ(key->packet->pts_ms, 1080);
  EXPECT_TRUE(key->packet->keyframe);
  EXPECT_EQ(key->packet->data, kIdrNalus);

  // Inter frame with a negative composition time (SI24 -40).
  auto inter = parser.ParseVideo(Concat({Bytes{0x27, 0x01, 0xff, 0xff, 0xd8}, kInterNalus}), 1040);
  ASSERT_TRUE(inter.has_value()) << inter.error().ToString();
  EXPECT_FALSE(inter->packet->keyframe);
  EXPECT_EQ(inter->packet->pts_ms, 1000);
}

TEST(FlvTagParserTest, RewritesShortNalLengthsToFourBytes) {
  Bytes tag(std::begin(testdata::kAvc720pTag), std::end(testdata::kAvc720pTag));
  tag[5 + 4] = 0xfd;  // lengthSizeMinusOne 1
  FlvTagParser parser;
  ASSERT_TRUE(parser.ParseVideo(tag, 0).has_value());
  auto frame =
      parser.ParseVideo(Bytes{0x17, 0x01, 0, 0, 0, 0x00, 0x02, 0x65, 0x88, 0x00, 0x01, 0x06}, 0);
  ASSERT_TRUE(frame.has_value()) << frame.error().ToString();
  EXPECT_EQ(frame->packet->data, (Bytes{0, 0, 0, 2, 0x65, 0x88, 0, 0, 0, 1, 0x06}));
}

TEST(FlvTagParserTest, FrameBeforeSequenceHeaderIsMalformedAndChangesNothing) {
  FlvTagParser parser;
  auto frame = parser.ParseVideo(Concat({Bytes{0x17, 0x01, 0, 0, 0}, kIdrNalus}), 0);
  ASSERT_FALSE(frame.has_value());
  EXPECT_EQ(frame.error().code(), ErrorCode::kMediaMalformed);
  EXPECT_FALSE(parser.video_config().has_value());
  auto aac = parser.ParseAudio(Bytes{0xaf, 0x01, 0x21, 0x10}, 0);
  ASSERT_FALSE(aac.has_value());
  EXPECT_EQ(aac.error().code(), ErrorCode::kMediaMalformed);
}

TEST(FlvTagParserTest, NalUnitPastTheEndIsMalformed) {
  FlvTagParser parser;
  ASSERT_TRUE(parser.ParseVideo(testdata::kAvc720pTag, 0).has_value());
  auto frame = parser.ParseVideo(Bytes{0x17, 0x01, 0, 0, 0, 0, 0, 0, 9, 0x65}, 0);
  ASSERT_FALSE(frame.has_value());
  EXPECT_EQ(frame.error().code(), ErrorCode::kMediaMalformed);
}

TEST(FlvTagParserTest, InfoFramesEndOfSequenceAndEmptyFramesYieldNothing) {
  FlvTagParser parser;
  ASSERT_TRUE(parser.ParseVideo(testdata::kAvc720pTag, 0).has_value());
  for (const Bytes& body :
       {Bytes{0x57, 0x01}, Bytes{0x17, 0x02, 0, 0, 0}, Bytes{0x27, 0x01, 0, 0, 0}}) {
    auto result = parser.ParseVideo(body, 0);
    ASSERT_TRUE(result.has_value()) << result.error().ToString();
    EXPECT_FALSE(result->config.has_value());
    EXPECT_FALSE(result->packet.has_value());
  }
  EXPECT_TRUE(parser.video_config().has_value());
}

TEST(FlvTagParserTest, HevcWithCodecId12) {
  FlvTagParser parser;
  auto config = parser.ParseVideo(Concat({Bytes{0x1c, 0, 0, 0, 0}, testdata::kHevc1080pRecord}), 0);
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->config->codec, CodecId::kHevc);
  EXPECT_EQ(config->config->width, 1920);
  EXPECT_EQ(config->config->height, 1080);
  auto frame = parser.ParseVideo(Concat({Bytes{0x1c, 0x01, 0, 0, 0x28}, kIdrNalus}), 40);
  ASSERT_TRUE(frame.has_value()) << frame.error().ToString();
  EXPECT_EQ(frame->packet->codec, CodecId::kHevc);
  EXPECT_EQ(frame->packet->pts_ms, 80);
}

TEST(FlvTagParserTest, EnhancedRtmpHvc1) {
  FlvTagParser parser;
  // IsExHeader | FrameType 1 | PacketType 0 (SequenceStart), FourCC.
  auto config =
      parser.ParseVideo(Concat({Bytes{0x90}, AsBytes("hvc1"), testdata::kHevc720pRecord}), 0);
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->config->codec, CodecId::kHevc);
  EXPECT_EQ(config->config->width, 1280);
  EXPECT_EQ(config->config->extradata,
            Bytes(std::begin(testdata::kHevc720pRecord), std::end(testdata::kHevc720pRecord)));

  // CodedFrames with CompositionTime 40.
  auto coded =
      parser.ParseVideo(Concat({Bytes{0x91}, AsBytes("hvc1"), Bytes{0, 0, 40}, kIdrNalus}), 100);
  ASSERT_TRUE(coded.has_value()) << coded.error().ToString();
  EXPECT_TRUE(coded->packet->keyframe);
  EXPECT_EQ(coded->packet->pts_ms, 140);
  EXPECT_EQ(coded->packet->data, kIdrNalus);

  // CodedFramesX (no CompositionTime), inter frame.
  auto coded_x = parser.ParseVideo(Concat({Bytes{0xa3}, AsBytes("hvc1"), kInterNalus}), 140);
  ASSERT_TRUE(coded_x.has_value()) << coded_x.error().ToString();
  EXPECT_FALSE(coded_x->packet->keyframe);
  EXPECT_EQ(coded_x->packet->pts_ms, 140);
  EXPECT_EQ(coded_x->packet->data, kInterNalus);

  // SequenceEnd and Metadata yield nothing.
  for (uint8_t first : {uint8_t{0x92}, uint8_t{0x94}}) {
    auto nothing = parser.ParseVideo(Concat({Bytes{first}, AsBytes("hvc1")}), 180);
    ASSERT_TRUE(nothing.has_value());
    EXPECT_FALSE(nothing->packet.has_value());
  }
}

TEST(FlvTagParserTest, EnhancedRtmpAvc1) {
  FlvTagParser parser;
  auto config = parser.ParseVideo(
      Concat({Bytes{0x90}, AsBytes("avc1"), std::span(testdata::kAvc720pTag).subspan(5)}), 0);
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->config->codec, CodecId::kH264);
  EXPECT_EQ(config->config->height, 720);
}

TEST(FlvTagParserTest, UnsupportedVideoCodecs) {
  FlvTagParser parser;
  for (const Bytes& body : {Bytes{0x12, 0, 0, 0, 0}, Bytes{0x14, 0, 0, 0, 0},
                            Concat({Bytes{0x90}, AsBytes("av01"), Bytes{0x81}}),
                            Concat({Bytes{0x95}, AsBytes("hvc1")})}) {
    auto result = parser.ParseVideo(body, 0);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code(), ErrorCode::kMediaUnsupported);
  }
}

TEST(FlvTagParserTest, AacSequenceHeaderAndFrames) {
  FlvTagParser parser;
  auto config = parser.ParseAudio(testdata::kAac44100StereoTag, 0);
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->config->codec, CodecId::kAac);
  EXPECT_EQ(config->config->sample_rate, 44100);
  EXPECT_EQ(config->config->channels, 2);
  EXPECT_EQ(config->config->extradata, Bytes(std::begin(testdata::kAac44100StereoTag) + 2,
                                             std::end(testdata::kAac44100StereoTag)));
  auto frame = parser.ParseAudio(Bytes{0xaf, 0x01, 0xde, 0x02, 0x00}, 23);
  ASSERT_TRUE(frame.has_value()) << frame.error().ToString();
  EXPECT_EQ(frame->packet->kind, TrackKind::kAudio);
  EXPECT_EQ(frame->packet->codec, CodecId::kAac);
  EXPECT_EQ(frame->packet->dts_ms, 23);
  EXPECT_EQ(frame->packet->pts_ms, 23);
  EXPECT_TRUE(frame->packet->keyframe);
  EXPECT_EQ(frame->packet->data, (Bytes{0xde, 0x02, 0x00}));
}

TEST(FlvTagParserTest, Mp3FirstFrameYieldsConfigThenOnlyPackets) {
  FlvTagParser parser;
  auto first = parser.ParseAudio(testdata::kMp3Tag, 0);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  ASSERT_TRUE(first->config.has_value());
  EXPECT_EQ(first->config->codec, CodecId::kMp3);
  EXPECT_EQ(first->config->sample_rate, 44100);
  EXPECT_EQ(first->config->channels, 2);
  EXPECT_TRUE(first->config->extradata.empty());
  ASSERT_TRUE(first->packet.has_value());
  EXPECT_EQ(first->packet->data.size(), sizeof(testdata::kMp3Tag) - 1);

  auto second = parser.ParseAudio(testdata::kMp3Tag, 26);
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->config.has_value());
  EXPECT_EQ(second->packet->dts_ms, 26);

  // A mono frame changes the config.
  auto mono = parser.ParseAudio(Bytes{0x2e, 0xff, 0xfb, 0x90, 0xc4, 0x00}, 52);
  ASSERT_TRUE(mono.has_value());
  ASSERT_TRUE(mono->config.has_value());
  EXPECT_EQ(mono->config->channels, 1);
}

TEST(FlvTagParserTest, UnsupportedSoundFormats) {
  FlvTagParser parser;
  for (uint8_t first : {uint8_t{0x0e}, uint8_t{0x7e}, uint8_t{0xbe}, uint8_t{0x9f}}) {
    auto result = parser.ParseAudio(Bytes{first, 0x00, 0x01}, 0);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code(), ErrorCode::kMediaUnsupported);
  }
}

std::vector<Bytes> GoldenVideoTags() {
  return {
      Bytes(std::begin(testdata::kAvc720pTag), std::end(testdata::kAvc720pTag)),
      Bytes(std::begin(testdata::kAvc1080pBaselineTag), std::end(testdata::kAvc1080pBaselineTag)),
      Concat({Bytes{0x1c, 0, 0, 0, 0}, testdata::kHevc1080pRecord}),
      Concat({Bytes{0x90}, AsBytes("hvc1"), testdata::kHevc360pSubLayersRecord})};
}

TEST(FlvTagParserTest, EveryTruncatedSequenceHeaderIsAnError) {
  for (const Bytes& tag : GoldenVideoTags()) {
    // The AVC records end in optional extension bytes; cut at least those plus the PPS.
    const size_t must_fail = tag.size() - 8;
    for (size_t n = 0; n < must_fail; ++n) {
      FlvTagParser parser;
      auto result = parser.ParseVideo(std::span(tag).first(n), 0);
      EXPECT_FALSE(result.has_value()) << "prefix " << n << " of " << tag.size();
      EXPECT_FALSE(parser.video_config().has_value());
    }
  }
  for (size_t n = 0; n < 3; ++n) {
    FlvTagParser parser;
    EXPECT_FALSE(parser.ParseAudio(std::span(testdata::kAac44100StereoTag).first(n), 0));
  }
  for (size_t n = 0; n < 5; ++n) {
    FlvTagParser parser;
    EXPECT_FALSE(parser.ParseAudio(std::span(testdata::kMp3Tag).first(n), 0));
  }
}

// Random bodies and randomly corrupted golden tags must never crash; whatever is accepted is
// self-consistent (frames have whole 4-byte-length NAL units).
TEST(FlvTagParserTest, RandomAndCorruptedInputNeverCrashes) {
  SeededRandom random(20240611);
  std::vector<Bytes> seeds = GoldenVideoTags();
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes body;
    if (i % 2 == 0) {
      body.resize(random.NextU64() % 64);
      random.Fill(body);
    } else {
      body = seeds[random.NextU64() % seeds.size()];
      for (int flips = 0; flips < 3; ++flips) {
        body[random.NextU64() % body.size()] ^= static_cast<uint8_t>(1 + random.NextU64() % 255);
      }
      body.resize(random.NextU64() % (body.size() + 1));
    }
    FlvTagParser parser;
    ASSERT_TRUE(parser.ParseVideo(testdata::kAvc720pTag, 0).has_value());
    auto video = parser.ParseVideo(body, i);
    auto audio = parser.ParseAudio(body, i);
    if (video && video->packet) {
      const Bytes& data = video->packet->data;
      size_t pos = 0;
      while (pos + 4 <= data.size()) {
        pos += 4 + ((size_t{data[pos]} << 24) | (data[pos + 1] << 16) | (data[pos + 2] << 8) |
                    data[pos + 3]);
      }
      EXPECT_EQ(pos, data.size());
    }
    accepted += (video.has_value() ? 1 : 0) + (audio.has_value() ? 1 : 0);
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace liverec::media::flv
