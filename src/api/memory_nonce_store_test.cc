#include "api/memory_nonce_store.h"

#include <gtest/gtest.h>

namespace liverec::api {
namespace {

constexpr int64_t kWindow = 15 * 60'000;
constexpr int64_t kNow = 1'767'225'600'000;

TEST(MemoryNonceStoreTest, RefusesANonceSeenBeforeForTheSameKey) {
  MemoryNonceStore store(100, kWindow);
  EXPECT_TRUE(store.CheckAndRemember("AK", "n1", kNow, kNow).ok());
  Status again = store.CheckAndRemember("AK", "n1", kNow + 1000, kNow + 1000);
  EXPECT_EQ(again.PublicCode(), "SignatureNonceUsed");
}

TEST(MemoryNonceStoreTest, SameNonceFromAnotherKeyIsIndependent) {
  MemoryNonceStore store(100, kWindow);
  EXPECT_TRUE(store.CheckAndRemember("AK1", "n1", kNow, kNow).ok());
  EXPECT_TRUE(store.CheckAndRemember("AK2", "n1", kNow, kNow).ok());
}

TEST(MemoryNonceStoreTest, ForgetsNoncesOnlyAfterTheyAreOutsideTheWindow) {
  MemoryNonceStore store(100, kWindow);
  ASSERT_TRUE(store.CheckAndRemember("AK", "n1", kNow, kNow).ok());
  EXPECT_EQ(store.CheckAndRemember("AK", "n1", kNow, kNow + kWindow - 60'000).PublicCode(),
            "SignatureNonceUsed");
  EXPECT_TRUE(store.CheckAndRemember("AK", "n2", kNow + 2 * kWindow, kNow + 2 * kWindow).ok());
  EXPECT_EQ(store.SizeForTest(), 1u);
}

TEST(MemoryNonceStoreTest, StaysWithinCapacityAndRefusesRequestsOlderThanWhatItDropped) {
  MemoryNonceStore store(10, kWindow);
  for (int minute = 0; minute < 5; ++minute) {
    for (int i = 0; i < 4; ++i) {
      int64_t ts = kNow + minute * 60'000;
      ASSERT_TRUE(store.CheckAndRemember("AK", std::to_string(minute * 10 + i), ts, ts).ok());
    }
  }
  EXPECT_LE(store.SizeForTest(), 10u);
  EXPECT_GT(store.FloorMsForTest(), kNow);
  // A replay of a dropped nonce (minute 0) is refused by the floor, not accepted.
  Status replay = store.CheckAndRemember("AK", "0", kNow, kNow + 5 * 60'000);
  EXPECT_EQ(replay.PublicCode(), "IllegalTimestamp");
}

}  // namespace
}  // namespace liverec::api
