#include "media/flv/nal_units.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace liverec::media::flv {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(NalUnitsTest, RemovesEmulationPreventionBytes) {
  EXPECT_EQ(RemoveEmulationPrevention(Bytes{0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x03, 0x00}),
            (Bytes{0x00, 0x00, 0x01, 0x00, 0x00, 0x00}));
  // 00 00 03 03: only the first 03 is emulation prevention.
  EXPECT_EQ(RemoveEmulationPrevention(Bytes{0x00, 0x00, 0x03, 0x03}), (Bytes{0x00, 0x00, 0x03}));
  // A 03 after a single zero is data.
  EXPECT_EQ(RemoveEmulationPrevention(Bytes{0x12, 0x00, 0x03, 0x00}),
            (Bytes{0x12, 0x00, 0x03, 0x00}));
}

TEST(NalUnitsTest, RewritesTwoByteLengthsToFourBytes) {
  const Bytes in = {0x00, 0x02, 0x65, 0xaa, 0x00, 0x01, 0x41};
  auto out = ToFourByteLengths(in, 2);
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  EXPECT_EQ(*out, (Bytes{0, 0, 0, 2, 0x65, 0xaa, 0, 0, 0, 1, 0x41}));
}

TEST(NalUnitsTest, KeepsFourByteLengthsAndDropsEmptyNalUnits) {
  const Bytes in = {0, 0, 0, 0, 0, 0, 0, 1, 0x09};
  auto out = ToFourByteLengths(in, 4);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, (Bytes{0, 0, 0, 1, 0x09}));
}

TEST(NalUnitsTest, LengthPastTheEndIsMalformed) {
  auto out = ToFourByteLengths(Bytes{0, 0, 0, 5, 0x65, 0xaa}, 4);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code(), ErrorCode::kMediaMalformed);
  EXPECT_FALSE(ToFourByteLengths(Bytes{0, 0, 0}, 4).has_value());
  EXPECT_FALSE(ToFourByteLengths(Bytes{0x01, 0x65}, 5).has_value());
}

}  // namespace
}  // namespace liverec::media::flv
