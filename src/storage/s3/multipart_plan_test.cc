// Cutting files into the parts of an S3 multipart upload.
#include "storage/s3/multipart_plan.h"

#include <gtest/gtest.h>

namespace liverec::storage {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

TEST(MultipartPlanTest, CutsAFileIntoPartsOfThePartSizeWithASmallerLastPart) {
  auto parts = PlanParts(12 * kMiB + 1, 5 * kMiB);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], (PartRange{1, 0, 5 * kMiB}));
  EXPECT_EQ(parts[1], (PartRange{2, 5 * kMiB, 5 * kMiB}));
  EXPECT_EQ(parts[2], (PartRange{3, 10 * kMiB, 2 * kMiB + 1}));
  EXPECT_EQ(PlanParts(10 * kMiB, 5 * kMiB).size(), 2u);
}

TEST(MultipartPlanTest, OnlyFilesLargerThanAPartUseMultipart) {
  EXPECT_FALSE(UsesMultipart(64 * kMiB, 64 * kMiB));
  EXPECT_TRUE(UsesMultipart(64 * kMiB + 1, 64 * kMiB));
}

TEST(MultipartPlanTest, PartSizeStaysWithinS3LimitsAndTenThousandParts) {
  EXPECT_EQ(EffectivePartSize(100 * kMiB, 1 * kMiB), 5 * kMiB);
  EXPECT_EQ(EffectivePartSize(10'000 * 5 * kMiB, 5 * kMiB), 5 * kMiB);
  // 60 GiB in parts of 5 MiB would be 12,288 parts: grown to 7 MiB (6.14 rounded up).
  uint64_t grown = EffectivePartSize(60 * 1024 * kMiB, 5 * kMiB);
  EXPECT_EQ(grown, 7 * kMiB);
  EXPECT_LE(PlanParts(60 * 1024 * kMiB, 5 * kMiB).size(), kMaxParts);
}

}  // namespace
}  // namespace liverec::storage
