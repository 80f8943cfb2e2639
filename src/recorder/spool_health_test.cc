#include "recorder/spool_health.h"

#include <gtest/gtest.h>

namespace liverec::recorder {
namespace {

TEST(SpoolHealthTest, HealthyUntilAWriteFails) {
  SpoolHealth health;
  EXPECT_FALSE(health.Trouble(1'000));
  health.WriteSucceeded(1'000);
  EXPECT_FALSE(health.Trouble(2'000));
}

TEST(SpoolHealthTest, AFailedWriteIsTroubleWithItsReason) {
  SpoolHealth health;
  health.WriteFailed(5'000, "No space left on device");
  auto trouble = health.Trouble(6'000);
  ASSERT_TRUE(trouble);
  EXPECT_EQ(*trouble, "cannot write: No space left on device");
}

TEST(SpoolHealthTest, AWriteThatSucceedsAfterTheFailureEndsTheTrouble) {
  SpoolHealth health;
  health.WriteFailed(5'000, "No space left on device");
  health.WriteSucceeded(7'000);
  EXPECT_FALSE(health.Trouble(8'000));
  health.WriteFailed(9'000, "Input/output error");
  EXPECT_EQ(health.Trouble(9'500).value_or(""), "cannot write: Input/output error");
}

TEST(SpoolHealthTest, TroubleEndsAWindowAfterTheLastFailure) {
  SpoolHealth health;
  health.WriteFailed(5'000, "No space left on device");
  EXPECT_TRUE(health.Trouble(5'000 + SpoolHealth::kWindowMs - 1));
  EXPECT_FALSE(health.Trouble(5'000 + SpoolHealth::kWindowMs));
}

TEST(SpoolHealthTest, OneWarningOfAKindPerWindowWhateverTheNumberOfStreams) {
  SpoolHealth health;
  EXPECT_TRUE(health.AdmitWarning("write", 1'000));
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(health.AdmitWarning("write", 1'000 + i));
  EXPECT_TRUE(health.AdmitWarning("sidecar", 2'000)) << "another kind has its own budget";
  EXPECT_TRUE(health.AdmitWarning("write", 1'000 + SpoolHealth::kWarningWindowMs));
}

TEST(SpoolHealthTest, FreeBytesOfAnExistingDirectoryAreKnown) {
  auto free = SpoolFreeBytes("/tmp");
  ASSERT_TRUE(free) << free.error().ToString();
  EXPECT_GE(*free, 0);
}

TEST(SpoolHealthTest, FreeBytesOfAMissingDirectoryIsAStorageFailure) {
  auto free = SpoolFreeBytes("/nonexistent/liverec-spool");
  ASSERT_FALSE(free);
  EXPECT_EQ(free.error().code(), ErrorCode::kStorageFailure);
}

}  // namespace
}  // namespace liverec::recorder
