#include "base/percent_encoding.h"

#include <gtest/gtest.h>

namespace liverec {
namespace {

TEST(PopEncodeTest, KeepsUnreservedAndEncodesEverythingElse) {
  EXPECT_EQ(PopEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(PopEncode("a b"), "a%20b");
  EXPECT_EQ(PopEncode("*"), "%2A");
  EXPECT_EQ(PopEncode("+"), "%2B");
  EXPECT_EQ(PopEncode("!'()"), "%21%27%28%29");
  EXPECT_EQ(PopEncode("2026-11-21T08:05:47Z"), "2026-11-21T08%3A05%3A47Z");
  EXPECT_EQ(PopEncode("/"), "%2F");
}

TEST(PopEncodeTest, EncodesNonAsciiAsUtf8BytesInUpperHex) {
  EXPECT_EQ(PopEncode("直播"), "%E7%9B%B4%E6%92%AD");
  EXPECT_EQ(PopEncode("é"), "%C3%A9");
}

TEST(FormDecodeTest, PlusIsSpaceAndPercentIsByte) {
  EXPECT_EQ(FormDecode("a+b"), "a b");
  EXPECT_EQ(FormDecode("a%2Bb"), "a+b");
  EXPECT_EQ(FormDecode("%2a%7E~"), "*~~");
  EXPECT_EQ(FormDecode("%E7%9B%B4"), "直");
}

TEST(FormDecodeTest, KeepsMalformedEscapesLiterally) {
  EXPECT_EQ(FormDecode("100%"), "100%");
  EXPECT_EQ(FormDecode("%G1"), "%G1");
  EXPECT_EQ(FormDecode("%4"), "%4");
}

TEST(ParseFormPairsTest, SplitsAndDecodesPairsInOrder) {
  auto pairs = ParseFormPairs("b=2&a=x+y&&flag&c=%2A");
  ASSERT_EQ(pairs.size(), 4u);
  EXPECT_EQ(pairs[0], (std::pair<std::string, std::string>{"b", "2"}));
  EXPECT_EQ(pairs[1], (std::pair<std::string, std::string>{"a", "x y"}));
  EXPECT_EQ(pairs[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(pairs[3], (std::pair<std::string, std::string>{"c", "*"}));
}

}  // namespace
}  // namespace liverec
