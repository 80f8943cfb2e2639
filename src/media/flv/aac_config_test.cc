#include "media/flv/aac_config.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace liverec::media::flv {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(AacConfigTest, ParsesLowComplexity44100Stereo) {
  auto info = ParseAacConfig(Bytes{0x12, 0x10});  // AOT 2, index 4, channel configuration 2
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->object_type, 2);
  EXPECT_EQ(info->sample_rate, 44100);
  EXPECT_EQ(info->channels, 2);
}

TEST(AacConfigTest, ParsesExplicitFrequencyAndEscapedObjectType) {
  // AOT 31 + 6 bits (escape to 32 + 1 = 33), index 15 + 24-bit 22050, channels 1.
  // 11111 000001 1111 000000000101011000100010 0001 -> packed below.
  auto info = ParseAacConfig(Bytes{0xf8, 0x3e, 0x00, 0xac, 0x44, 0x20});
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->object_type, 33);
  EXPECT_EQ(info->sample_rate, 22050);
  EXPECT_EQ(info->channels, 1);
}

TEST(AacConfigTest, HeAacReportsTheExtensionRate) {
  // AOT 5 (SBR), index 6 (24000), channels 2, extension index 3 (48000), then AOT 2.
  // 00101 0110 0010 0011 00010 -> 0x2b 0x11 0x88
  auto info = ParseAacConfig(Bytes{0x2b, 0x11, 0x88});
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->object_type, 5);
  EXPECT_EQ(info->sample_rate, 48000);
  EXPECT_EQ(info->channels, 2);
}

TEST(AacConfigTest, TruncatedOrReservedIsMalformed) {
  EXPECT_FALSE(ParseAacConfig(Bytes{}).has_value());
  EXPECT_FALSE(ParseAacConfig(Bytes{0x12}).has_value());
  auto reserved = ParseAacConfig(Bytes{0x16, 0x90});  // sampling frequency index 13
  ASSERT_FALSE(reserved.has_value());
  EXPECT_EQ(reserved.error().code(), ErrorCode::kMediaMalformed);
}

}  // namespace
}  // namespace liverec::media::flv
