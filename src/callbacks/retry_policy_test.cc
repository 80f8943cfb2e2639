#include "callbacks/retry_policy.h"

#include <gtest/gtest.h>

namespace liverec::callbacks {
namespace {

TEST(RetryPolicyTest, BackoffDoublesFromTheInitialWaitUpToTheCap) {
  RetryPolicy p{1000, 10'000, 5, 3600'000};
  EXPECT_EQ(BackoffMs(p, 1), 1000);
  EXPECT_EQ(BackoffMs(p, 2), 2000);
  EXPECT_EQ(BackoffMs(p, 3), 4000);
  EXPECT_EQ(BackoffMs(p, 4), 8000);
  EXPECT_EQ(BackoffMs(p, 5), 10'000);
  EXPECT_EQ(BackoffMs(p, 500), 10'000) << "no overflow after many attempts";
}

TEST(RetryPolicyTest, DefaultScheduleMakesAtLeastFiveAttemptsAndSpansTheHorizon) {
  RetryPolicy p;  // 1 s doubling to 10 min, 24 h
  int64_t created = 0, now = 0, attempts = 0;
  while (true) {
    ++attempts;  // attempt at `now` fails
    auto next = NextAttemptMs(p, attempts, created, now);
    if (!next) break;
    EXPECT_GT(*next, now);
    now = *next;
  }
  EXPECT_GE(attempts, 5);
  EXPECT_LE(now, p.horizon_ms) << "no attempt is scheduled past the horizon";
  EXPECT_GT(now + BackoffMs(p, attempts), p.horizon_ms);
  EXPECT_GT(attempts, 100) << "10-minute retries over a day";
}

TEST(RetryPolicyTest, MinimumAttemptsAreMadeEvenPastTheHorizon) {
  RetryPolicy p{1000, 60'000, 5, 0};
  for (int64_t n = 1; n < 5; ++n) {
    auto next = NextAttemptMs(p, n, 0, 100'000);
    ASSERT_TRUE(next.has_value()) << n;
    EXPECT_EQ(*next, 100'000 + BackoffMs(p, n));
  }
  EXPECT_FALSE(NextAttemptMs(p, 5, 0, 100'000).has_value());
}

}  // namespace
}  // namespace liverec::callbacks
