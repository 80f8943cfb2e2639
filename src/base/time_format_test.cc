#include "base/time_format.h"

#include <gtest/gtest.h>

namespace liverec {
namespace {

TEST(TimeFormatTest, FormatsUtcSecondsWithZ) {
  EXPECT_EQ(FormatIsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(1767225600000), "2026-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(1767225600999), "2026-01-01T00:00:00Z");
}

TEST(TimeFormatTest, FormatsObjectNameTimesWithEitherSeparator) {
  EXPECT_EQ(FormatObjectNameTime(1488985786000, ':'), "2017-03-08-15:09:46");
  EXPECT_EQ(FormatObjectNameTime(1488985786000, '-'), "2017-03-08-15-09-46");
}

TEST(TimeFormatTest, ParsesWhatItFormatsAndFractions) {
  EXPECT_EQ(ParseIsoUtc("2026-01-01T00:00:00Z"), 1767225600000);
  EXPECT_EQ(ParseIsoUtc("2026-01-01T00:00:00.25Z"), 1767225600250);
  EXPECT_EQ(ParseIsoUtc("2024-02-29T23:59:59Z"), 1709251199000);
}

TEST(TimeFormatTest, RejectsMalformedAndOutOfRangeFields) {
  EXPECT_FALSE(ParseIsoUtc(""));
  EXPECT_FALSE(ParseIsoUtc("2026-01-01 00:00:00Z"));
  EXPECT_FALSE(ParseIsoUtc("2026-01-01T00:00:00"));
  EXPECT_FALSE(ParseIsoUtc("2026-01-01T00:00:00+08:00"));
  EXPECT_FALSE(ParseIsoUtc("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(ParseIsoUtc("2025-02-29T00:00:00Z"));
  EXPECT_FALSE(ParseIsoUtc("2026-01-01T24:00:00Z"));
  EXPECT_FALSE(ParseIsoUtc("2026-01-01T00:00:00.Z"));
  EXPECT_FALSE(ParseIsoUtc("2026-01-01T00:00:00ZZ"));
}

}  // namespace
}  // namespace liverec
