#include "media/flv/bit_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace liverec::media::flv {
namespace {

TEST(BitReaderTest, ReadsFieldsMostSignificantBitFirst) {
  const std::vector<uint8_t> data = {0b1010'1100, 0xff, 0x12, 0x34, 0x56, 0x78};
  BitReader reader(data);
  EXPECT_EQ(reader.ReadBits(1), 1u);
  EXPECT_EQ(reader.ReadBits(3), 0b010u);
  EXPECT_EQ(reader.ReadBits(4), 0b1100u);
  EXPECT_TRUE(reader.ReadFlag());
  reader.SkipBits(7);
  EXPECT_EQ(reader.ReadBits(32), 0x12345678u);
  EXPECT_TRUE(reader.ok());
  EXPECT_EQ(reader.BitsLeft(), 0u);
}

TEST(BitReaderTest, ReadsExpGolombCodes) {
  // ue: 1 -> 0, 010 -> 1, 011 -> 2, 00100 -> 3, 0001000 -> 7; se: 010 -> +1, 011 -> -1.
  // Bits: 1 010 011 00100 0001000 010 011 + padding.
  const std::vector<uint8_t> data = {0b1010'0110, 0b0100'0001, 0b0000'1001, 0b1000'0000};
  BitReader reader(data);
  EXPECT_EQ(reader.ReadUe(), 0u);
  EXPECT_EQ(reader.ReadUe(), 1u);
  EXPECT_EQ(reader.ReadUe(), 2u);
  EXPECT_EQ(reader.ReadUe(), 3u);
  EXPECT_EQ(reader.ReadUe(), 7u);
  EXPECT_EQ(reader.ReadSe(), 1);
  EXPECT_EQ(reader.ReadSe(), -1);
  EXPECT_TRUE(reader.ok());
}

TEST(BitReaderTest, ReadingPastTheEndYieldsZeroAndStaysFailed) {
  const std::vector<uint8_t> data = {0xff};
  BitReader reader(data);
  EXPECT_EQ(reader.ReadBits(6), 0x3fu);
  EXPECT_EQ(reader.ReadBits(3), 0u);
  EXPECT_FALSE(reader.ok());
  EXPECT_EQ(reader.ReadBits(1), 0u);
  EXPECT_EQ(reader.BitsLeft(), 0u);
}

TEST(BitReaderTest, AllZeroBytesAreAnOverlongExpGolombCode) {
  const std::vector<uint8_t> data(8, 0);
  BitReader reader(data);
  EXPECT_EQ(reader.ReadUe(), 0u);
  EXPECT_FALSE(reader.ok());
}

TEST(BitReaderTest, TruncatedExpGolombCodeFails) {
  const std::vector<uint8_t> data = {0x00, 0x01};  // 15 zeros, a one, then nothing
  BitReader reader(data);
  reader.ReadUe();
  EXPECT_FALSE(reader.ok());
}

}  // namespace
}  // namespace liverec::media::flv
