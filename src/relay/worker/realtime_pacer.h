// RealtimePacer: releases packets of a file source at wall-clock speed, like `ffmpeg -re`, so
// the destination receives the stream in real time instead of a burst. Media time is the
// stitched output DTS (continuous across files and repeats); the first packet fixes the
// origin, and every later packet waits until its media time has elapsed on the steady clock.
// A pipeline that falls behind (slow destination) is not made to catch up by bursting more
// than kMaxLagUs ahead. Sleeping happens in StopSignal::WaitUntil, so a stop ends it at once.
// Uses std::chrono::steady_clock directly: this is pacing against real time, not a schedule.
// Thread-safety: one pipeline thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "relay/worker/stop_signal.h"

namespace liverec::relay::worker {

class RealtimePacer {
 public:
  // If the pipeline is later than this behind real time, the origin moves forward.
  static constexpr int64_t kMaxLagUs = 2'000'000;

  explicit RealtimePacer(StopSignal& stop) : stop_(stop) {}

  // Waits until `media_us` is due; false when a stop was requested.
  bool Wait(int64_t media_us);

 private:
  StopSignal& stop_;
  std::optional<std::chrono::steady_clock::time_point> origin_;
  int64_t origin_media_us_ = 0;
};

}  // namespace liverec::relay::worker
