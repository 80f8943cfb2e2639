#include "media/flv/mp3_header.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace liverec::media::flv {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(Mp3HeaderTest, ParsesMpeg1Layer3JointStereo) {
  auto info = ParseMp3Header(Bytes{0xff, 0xfb, 0x90, 0x64});  // 128 kb/s, 44100 Hz, joint stereo
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->sample_rate, 44100);
  EXPECT_EQ(info->channels, 2);
}

TEST(Mp3HeaderTest, ParsesLowSamplingFrequenciesAndMono) {
  auto mpeg2 = ParseMp3Header(Bytes{0xff, 0xf3, 0x84, 0xc0});  // MPEG-2, index 1, mono
  ASSERT_TRUE(mpeg2.has_value());
  EXPECT_EQ(mpeg2->sample_rate, 24000);
  EXPECT_EQ(mpeg2->channels, 1);
  auto mpeg25 = ParseMp3Header(Bytes{0xff, 0xe3, 0x88, 0x00});  // MPEG-2.5, index 2, stereo
  ASSERT_TRUE(mpeg25.has_value());
  EXPECT_EQ(mpeg25->sample_rate, 8000);
  EXPECT_EQ(mpeg25->channels, 2);
}

TEST(Mp3HeaderTest, RejectsBadHeaders) {
  EXPECT_EQ(ParseMp3Header(Bytes{0xff, 0xfb, 0x90}).error().code(), ErrorCode::kMediaMalformed);
  EXPECT_EQ(ParseMp3Header(Bytes{0x49, 0x44, 0x33, 0x04}).error().code(),
            ErrorCode::kMediaMalformed);  // "ID3"
  EXPECT_EQ(ParseMp3Header(Bytes{0xff, 0xfb, 0x9c, 0x64}).error().code(),
            ErrorCode::kMediaMalformed);  // sampling frequency index 3
  EXPECT_EQ(ParseMp3Header(Bytes{0xff, 0xfb, 0xf0, 0x64}).error().code(),
            ErrorCode::kMediaMalformed);  // bitrate index 15
  EXPECT_EQ(ParseMp3Header(Bytes{0xff, 0xfd, 0x90, 0x64}).error().code(),
            ErrorCode::kMediaUnsupported);  // Layer II
}

}  // namespace
}  // namespace liverec::media::flv
