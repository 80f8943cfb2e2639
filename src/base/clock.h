// Clock: the one source of time. Production code takes a Clock&; tests pass a FakeClock.
// Times are int64 UTC milliseconds since the Unix epoch everywhere in liverec.
// Thread-safety: SystemClock and FakeClock may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace liverec {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, UTC milliseconds since the epoch.
  virtual int64_t NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_ms = 0) : now_ms_(now_ms) {}
  int64_t NowMs() const override { return now_ms_.load(); }
  void SetMs(int64_t now_ms) { now_ms_.store(now_ms); }
  void AdvanceMs(int64_t delta_ms) { now_ms_.fetch_add(delta_ms); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace liverec
