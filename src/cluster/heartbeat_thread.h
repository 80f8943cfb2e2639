// HeartbeatThread: runs Membership::Beat every beat interval (lease / 3) on a thread of its own,
// so that neither busy I/O threads nor a full worker pool delay the renewal of the node's lease.
// Stop wakes it, joins it and leaves the cluster (releases the lease).
// Thread-safety: Start and Stop from one thread (the server's start and shutdown).
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "cluster/membership.h"

namespace liverec::cluster {

class HeartbeatThread {
 public:
  // `after_beat` (may be empty) runs on the thread after every beat: renewing the node's other
  // leases (ClusterNode's stream leases).
  explicit HeartbeatThread(Membership& membership, std::function<void()> after_beat = {})
      : membership_(membership), after_beat_(std::move(after_beat)) {}
  ~HeartbeatThread() { Stop(); }
  HeartbeatThread(const HeartbeatThread&) = delete;
  HeartbeatThread& operator=(const HeartbeatThread&) = delete;

  void Start();
  // Idempotent. Returns once the thread has ended and the lease is released.
  void Stop();

 private:
  void Run();

  Membership& membership_;
  const std::function<void()> after_beat_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace liverec::cluster
