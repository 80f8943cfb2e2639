#include "media/flv/avc_config.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "media/flv/flv_test_vectors.h"
#include "media/flv/h264_sps.h"

namespace liverec::media::flv {
namespace {

// The golden tags are FLV video bodies: 5 header bytes, then the record.
std::span<const uint8_t> RecordOf(std::span<const uint8_t> tag) { return tag.subspan(5); }

TEST(AvcConfigTest, HighProfile720p) {
  auto info = ParseAvcDecoderConfig(RecordOf(testdata::kAvc720pTag));
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->nal_length_size, 4);
  EXPECT_EQ(info->size, (PictureSize{1280, 720}));
}

TEST(AvcConfigTest, BaselineWithCroppingTo1080) {
  auto info = ParseAvcDecoderConfig(RecordOf(testdata::kAvc1080pBaselineTag));
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->size, (PictureSize{1920, 1080}));
}

TEST(AvcConfigTest, High444InterlacedWithScalingMatrices) {
  auto info = ParseAvcDecoderConfig(RecordOf(testdata::kAvc576iHigh444Tag));
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->size, (PictureSize{720, 576}));
}

TEST(AvcConfigTest, ReadsTheNalLengthSize) {
  auto record = RecordOf(testdata::kAvc720pTag);
  std::vector<uint8_t> copy(record.begin(), record.end());
  copy[4] = 0xfd;  // lengthSizeMinusOne 1
  auto info = ParseAvcDecoderConfig(copy);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->nal_length_size, 2);
  copy[4] = 0xfe;  // lengthSizeMinusOne 2 is not allowed
  EXPECT_FALSE(ParseAvcDecoderConfig(copy).has_value());
}

TEST(AvcConfigTest, EveryPrefixUpToTheLastPpsIsMalformed) {
  for (auto tag : {std::span<const uint8_t>(testdata::kAvc720pTag),
                   std::span<const uint8_t>(testdata::kAvc1080pBaselineTag),
                   std::span<const uint8_t>(testdata::kAvc576iHigh444Tag)}) {
    const auto record = RecordOf(tag);
    // Header 6, SPS (2 + n), PPS count 1, PPS (2 + m).
    const size_t sps_end = 8 + ((record[6] << 8) | record[7]);
    const size_t pps_end = sps_end + 3 + ((record[sps_end + 1] << 8) | record[sps_end + 2]);
    ASSERT_LE(pps_end, record.size());
    for (size_t n = 0; n < pps_end; ++n) {
      auto info = ParseAvcDecoderConfig(record.first(n));
      ASSERT_FALSE(info.has_value()) << "prefix " << n;
      EXPECT_EQ(info.error().code(), ErrorCode::kMediaMalformed);
    }
  }
}

TEST(AvcConfigTest, EveryPrefixOfAnSpsIsMalformed) {
  const auto record = RecordOf(testdata::kAvc720pTag);
  const auto sps = record.subspan(8, (record[6] << 8) | record[7]);
  ASSERT_TRUE(ParseH264SpsSize(sps).has_value());
  // The SPS ends in VUI and rbsp trailing bits; cut before the cropping flag at least.
  for (size_t n = 0; n < 8; ++n) {
    EXPECT_FALSE(ParseH264SpsSize(sps.first(n)).has_value()) << "prefix " << n;
  }
}

TEST(AvcConfigTest, NonSpsNalUnitIsMalformed) {
  const std::vector<uint8_t> pps = {0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0};
  EXPECT_EQ(ParseH264SpsSize(pps).error().code(), ErrorCode::kMediaMalformed);
}

// High profile, 320x240, a scaling matrix whose first list starts with delta_scale `delta`
// (ITU-T H.264 §7.4.2.1.1.1: -128..127), the other deltas 0.
std::vector<uint8_t> SpsWithScalingDelta(int delta) {
  if (delta == 0) return {0x67, 0x64, 0x00, 0x1f, 0xad, 0xff, 0xff, 0x80, 0xb4, 0x0a, 0x0f, 0xc8};
  const uint8_t sign = delta > 0 ? 0x3f : 0x7f;  // se(200) or se(-200)
  return {0x67, 0x64, 0x00, 0x1f, 0xad, 0x80, 0x64, sign, 0xff, 0x80, 0xb4, 0x0a, 0x0f, 0xc8};
}

TEST(AvcConfigTest, ADeltaScaleOutsideItsRangeIsMalformed) {
  auto valid = ParseH264SpsSize(SpsWithScalingDelta(0));
  ASSERT_TRUE(valid.has_value()) << valid.error().ToString();
  EXPECT_EQ(*valid, (PictureSize{320, 240}));
  for (int delta : {200, -200}) {
    auto sps = ParseH264SpsSize(SpsWithScalingDelta(delta));
    ASSERT_FALSE(sps.has_value()) << delta;
    EXPECT_EQ(sps.error().code(), ErrorCode::kMediaMalformed);
    EXPECT_NE(sps.error().Message().find("delta_scale"), std::string::npos);
  }
  // Found by fuzz/codec_config_fuzz.cc: a delta near INT32_MAX overflowed last_scale + delta
  // (undefined behaviour, reported by UBSan) instead of being refused.
  const std::vector<uint8_t> overflow = {
      0x67, 0x2c, 0x81, 0x3d, 0xff, 0xd3, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x23, 0x3d,
      0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x1e, 0xff, 0xff, 0xff, 0xff,
  };
  EXPECT_FALSE(ParseH264SpsSize(overflow).has_value());
}

}  // namespace
}  // namespace liverec::media::flv
