#include "cluster/heartbeat_thread.h"

#include <chrono>

namespace liverec::cluster {

void HeartbeatThread::Start() {
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void HeartbeatThread::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  membership_.Leave();
}

// The wait is on the steady clock: the interval is a period, not a time of day.
void HeartbeatThread::Run() {
  const auto interval = std::chrono::milliseconds(membership_.beat_interval_ms());
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
    lock.unlock();
    membership_.Beat();
    if (after_beat_) after_beat_();
    lock.lock();
  }
}

}  // namespace liverec::cluster
