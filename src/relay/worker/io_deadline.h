// IoDeadline: the AVIOInterruptCB of one libavformat context. libavformat polls it while it
// blocks in connect/read/write (about every 100 ms); it aborts the operation when the relay is
// asked to stop or when the operation armed with Arm() outlives its budget. That gives every
// protocol (rtmp, http, hls, srt, file) the same open and I/O timeouts and lets Stop take
// effect within a second, whatever the protocol's own timeout options do.
// Thread-safety: Arm/TimedOut on the pipeline thread; the callback runs on that thread too.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

extern "C" {
#include <libavformat/avio.h>
}

#include "relay/worker/stop_signal.h"

namespace liverec::relay::worker {

class IoDeadline {
 public:
  explicit IoDeadline(const StopSignal& stop) : stop_(stop) {}
  IoDeadline(const IoDeadline&) = delete;
  IoDeadline& operator=(const IoDeadline&) = delete;

  // Gives the next blocking operation `budget` from now.
  void Arm(std::chrono::milliseconds budget) {
    deadline_ns_.store(NowNs() + std::chrono::nanoseconds(budget).count());
    timed_out_.store(false);
  }
  // True when the last abort was the deadline, not a stop.
  bool TimedOut() const { return timed_out_.load(); }

  // Points at this object; valid while it lives.
  AVIOInterruptCB Callback() { return AVIOInterruptCB{&IoDeadline::Check, this}; }

 private:
  static int64_t NowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  static int Check(void* opaque) {
    auto* self = static_cast<IoDeadline*>(opaque);
    if (self->stop_.Requested()) return 1;
    if (NowNs() > self->deadline_ns_.load()) {
      self->timed_out_.store(true);
      return 1;
    }
    return 0;
  }

  const StopSignal& stop_;
  std::atomic<int64_t> deadline_ns_{INT64_MAX};
  std::atomic<bool> timed_out_{false};
};

}  // namespace liverec::relay::worker
