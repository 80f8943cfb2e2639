#include "net/accept_backoff.h"

#include <gtest/gtest.h>

namespace liverec::net {
namespace {

using std::chrono::milliseconds;

TEST(AcceptBackoffTest, PauseStartsAt100MsAndDoublesToOneSecond) {
  AcceptBackoff backoff("http");
  std::vector<int64_t> pauses;
  for (int i = 0; i < 6; ++i)
    pauses.push_back(backoff.OnFailure(i, "Too many open files").pause.count());
  EXPECT_EQ(pauses, (std::vector<int64_t>{100, 200, 400, 800, 1000, 1000}));
}

TEST(AcceptBackoffTest, ASuccessfulAcceptStartsThePauseOver) {
  AcceptBackoff backoff("http");
  (void)backoff.OnFailure(0, "e");
  (void)backoff.OnFailure(100, "e");
  (void)backoff.OnSuccess(300);
  EXPECT_EQ(backoff.OnFailure(400, "e").pause, milliseconds(100));
}

TEST(AcceptBackoffTest, OnlyTheFirstFailureOfARunIsLoggedThenASummaryEveryTenSeconds) {
  AcceptBackoff backoff("http");
  int lines = 0;
  std::string summary;
  // 30 s of failures, one per 10 ms (what a spinning loop would turn into 3 000 lines).
  for (int64_t t = 0; t < 30'000; t += 10) {
    auto step = backoff.OnFailure(t, "Too many open files");
    if (step.log) {
      ++lines;
      if (t > 0 && summary.empty()) summary = *step.log;
    }
  }
  EXPECT_EQ(lines, 3);  // at 0, 10 s and 20 s
  EXPECT_EQ(summary, "http: accept failed 1000 more times in the last 10 s: Too many open files");
}

TEST(AcceptBackoffTest, TheFirstLineNamesTheErrorAndThePause) {
  AcceptBackoff backoff("rtmp");
  auto step = backoff.OnFailure(0, "Too many open files");
  ASSERT_TRUE(step.log);
  EXPECT_NE(step.log->find("rtmp: accept failed: Too many open files"), std::string::npos);
  EXPECT_NE(step.log->find("100 ms"), std::string::npos);
}

TEST(AcceptBackoffTest, RecoveryIsLoggedOnceWithTheCountOfFailures) {
  AcceptBackoff backoff("http");
  EXPECT_FALSE(backoff.OnSuccess(0));
  (void)backoff.OnFailure(1000, "e");
  (void)backoff.OnFailure(1100, "e");
  (void)backoff.OnFailure(1300, "e");
  auto line = backoff.OnSuccess(4000);
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "http: accepting connections again after 3 failed accepts in 3 s");
  EXPECT_FALSE(backoff.OnSuccess(4100));
}

}  // namespace
}  // namespace liverec::net
