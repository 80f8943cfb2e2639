#include "base/keyed_mutex.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace liverec {
namespace {

TEST(KeyedMutexTest, OneKeyIsExclusiveAndOthersAreFree) {
  KeyedMutex locks;
  auto a = locks.Lock("a");
  EXPECT_TRUE(a);
  EXPECT_FALSE(locks.TryLock("a"));
  auto b = locks.TryLock("b");  // another key does not wait for "a"
  EXPECT_TRUE(b);
  EXPECT_EQ(locks.size(), 2u);
}

TEST(KeyedMutexTest, AKeyIsDroppedWhenItsLastUserLetsGo) {
  KeyedMutex locks;
  {
    auto a = locks.Lock("a");
    EXPECT_EQ(locks.size(), 1u);
  }
  EXPECT_EQ(locks.size(), 0u);
  auto again = locks.TryLock("a");
  EXPECT_TRUE(again);
  again.Unlock();
  EXPECT_FALSE(again);
  EXPECT_EQ(locks.size(), 0u);
}

TEST(KeyedMutexTest, AWaiterGetsTheKeyWhenItIsReleased) {
  KeyedMutex locks;
  auto held = locks.Lock("a");
  std::atomic<bool> got{false};
  auto waiter = std::async(std::launch::async, [&] {
    auto guard = locks.Lock("a");
    got = true;
  });
  EXPECT_EQ(waiter.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  EXPECT_FALSE(got.load());
  held.Unlock();
  EXPECT_EQ(waiter.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(got.load());
  EXPECT_EQ(locks.size(), 0u);
}

TEST(KeyedMutexTest, AMovedGuardKeepsTheLockOnce) {
  KeyedMutex locks;
  KeyedMutex::Guard outer;
  {
    auto inner = locks.Lock("a");
    outer = std::move(inner);
    EXPECT_FALSE(inner);  // NOLINT(bugprone-use-after-move): moved-from state is specified
  }
  EXPECT_FALSE(locks.TryLock("a"));
  outer = KeyedMutex::Guard();
  EXPECT_TRUE(locks.TryLock("a"));
}

TEST(KeyedMutexTest, CountsUnderContentionStayExact) {
  KeyedMutex locks;
  int counts[2] = {0, 0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        int k = (t + i) % 2;
        auto guard = locks.Lock(k == 0 ? "even" : "odd");
        ++counts[k];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counts[0] + counts[1], 8 * 2000);
  EXPECT_EQ(locks.size(), 0u);
}

}  // namespace
}  // namespace liverec
