#include "media/ts/adts_framing.h"

#include <gtest/gtest.h>

#include <vector>

namespace liverec::media::ts {
namespace {

std::vector<uint8_t> Header(const AdtsFraming& framing, size_t payload) {
  const auto header = framing.Header(payload);
  return {header.begin(), header.end()};
}

TEST(AdtsFramingTest, LcStereoHeaderIsWhatLibavformatWrites) {
  // AAC LC, 44.1 kHz, stereo; ffmpeg's ADTS header of a 332-byte frame: ff f1 50 80 29 9f fc.
  auto framing = AdtsFraming::Create(std::vector<uint8_t>{0x12, 0x10});
  ASSERT_TRUE(framing.has_value()) << framing.error().ToString();
  EXPECT_EQ(Header(*framing, 325),
            (std::vector<uint8_t>{0xff, 0xf1, 0x50, 0x80, 0x29, 0x9f, 0xfc}));
}

TEST(AdtsFramingTest, FrameLengthUsesAllThirteenBits) {
  auto framing = AdtsFraming::Create(std::vector<uint8_t>{0x11, 0x90});  // LC 48 kHz stereo
  ASSERT_TRUE(framing.has_value());
  const auto h = Header(*framing, AdtsFraming::kMaxFrameSize - AdtsFraming::kHeaderSize);
  const size_t length = ((h[3] & 0x03) << 11) | (h[4] << 3) | (h[5] >> 5);
  EXPECT_EQ(length, AdtsFraming::kMaxFrameSize);
  EXPECT_EQ((h[2] >> 2) & 0x0f, 3);  // 48 kHz
}

TEST(AdtsFramingTest, ExplicitSbrSignallingGivesTheCoreObjectTypeAndRate) {
  // HE-AAC, explicit: AOT 5, core 24 kHz (index 6), stereo, extension 48 kHz (3), core AOT 2.
  auto framing = AdtsFraming::Create(std::vector<uint8_t>{0x2b, 0x11, 0x88, 0x00});
  ASSERT_TRUE(framing.has_value()) << framing.error().ToString();
  const auto h = Header(*framing, 100);
  EXPECT_EQ(h[2] >> 6, 1);                        // profile: LC
  EXPECT_EQ((h[2] >> 2) & 0x0f, 6);               // the core rate, 24 kHz
  EXPECT_EQ(((h[2] & 1) << 2) | (h[3] >> 6), 2);  // stereo
}

TEST(AdtsFramingTest, WhatAdtsCannotCarryIsUnsupported) {
  // AAC-LD (AOT 23): 10111 0011 0010 000 -> b9 90
  EXPECT_EQ(AdtsFraming::Create(std::vector<uint8_t>{0xb9, 0x90}).error().code(),
            ErrorCode::kMediaUnsupported);
  // channelConfiguration 0 (a program_config_element follows)
  EXPECT_EQ(AdtsFraming::Create(std::vector<uint8_t>{0x12, 0x00}).error().code(),
            ErrorCode::kMediaUnsupported);
  // explicit sampling frequency (index 15)
  EXPECT_EQ(AdtsFraming::Create(std::vector<uint8_t>{0x17, 0x80, 0x00, 0x00, 0x10}).error().code(),
            ErrorCode::kMediaUnsupported);
  EXPECT_EQ(AdtsFraming::Create(std::vector<uint8_t>{0x12}).error().code(),
            ErrorCode::kMediaMalformed);
}

}  // namespace
}  // namespace liverec::media::ts
