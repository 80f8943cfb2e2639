#include "media/mp4/annexb_to_mp4.h"

#include <gtest/gtest.h>

#include <vector>

namespace liverec::media::mp4 {
namespace {

std::vector<uint8_t> Convert(const std::vector<uint8_t>& annexb) {
  UninitBytes out = {0xee};  // what is there already stays
  auto appended = AppendLengthPrefixed(annexb, out);
  EXPECT_TRUE(appended.has_value());
  if (!appended) return {};
  EXPECT_EQ(*appended, out.size() - 1);
  EXPECT_EQ(out[0], 0xee);
  return {out.begin() + 1, out.end()};
}

TEST(AnnexbToMp4Test, FourAndThreeByteStartCodesBecomeFourByteLengths) {
  EXPECT_EQ(Convert({0, 0, 0, 1, 0x67, 0xaa, 0, 0, 1, 0x68, 0xbb, 0xcc}),
            (std::vector<uint8_t>{0, 0, 0, 2, 0x67, 0xaa, 0, 0, 0, 3, 0x68, 0xbb, 0xcc}));
}

// As ff_avc_parse_nal_units: the zero just before 00 00 01 is the start code's; other zeros
// before it (trailing_zero_8bits) stay with the NAL unit they follow.
TEST(AnnexbToMp4Test, ZerosBeforeAStartCodeAreSplitAsLibavformatSplitsThem) {
  EXPECT_EQ(Convert({0, 0, 1, 0x65, 0x11, 0, 0, 0, 0, 1, 0x06}),
            (std::vector<uint8_t>{0, 0, 0, 3, 0x65, 0x11, 0, 0, 0, 0, 1, 0x06}));
}

TEST(AnnexbToMp4Test, LeadingGarbageBeforeTheFirstStartCodeIsDropped) {
  EXPECT_EQ(Convert({0x12, 0x34, 0, 0, 1, 0x41, 0x9a}),
            (std::vector<uint8_t>{0, 0, 0, 2, 0x41, 0x9a}));
}

TEST(AnnexbToMp4Test, EmulationPreventionBytesAreKept) {
  EXPECT_EQ(Convert({0, 0, 1, 0x41, 0, 0, 3, 1, 0x80}),
            (std::vector<uint8_t>{0, 0, 0, 6, 0x41, 0, 0, 3, 1, 0x80}));
}

TEST(AnnexbToMp4Test, DataWithoutAStartCodeOrANalUnitIsMalformed) {
  UninitBytes out;
  for (const std::vector<uint8_t>& bad : std::vector<std::vector<uint8_t>>{
           {}, {0x41, 0x9a, 0x00}, {0, 0, 0, 2, 0x41, 0x9a}, {0, 0, 1}, {0, 0, 0, 1}}) {
    auto appended = AppendLengthPrefixed(bad, out);
    ASSERT_FALSE(appended.has_value());
    EXPECT_EQ(appended.error().code(), ErrorCode::kMediaMalformed);
  }
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace liverec::media::mp4
