// StopSignal: the one "please stop" flag of a relay pipeline. Request() may be called from
// any thread; the pipeline thread polls Requested() (libavformat's interrupt callback does,
// every ~100 ms while blocked in a socket) and sleeps with WaitUntil(), which wakes at once
// on a request, so a stop never waits for a sleep to end.
// Thread-safety: all members are safe to call from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace liverec::relay::worker {

class StopSignal {
 public:
  void Request() {
    {
      std::lock_guard lock(mutex_);
      requested_.store(true);
    }
    wake_.notify_all();
  }
  bool Requested() const { return requested_.load(); }

  // Sleeps until `deadline` or a stop request; true when stopped.
  bool WaitUntil(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return wake_.wait_until(lock, deadline, [this] { return requested_.load(); });
  }

 private:
  std::atomic<bool> requested_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace liverec::relay::worker
