#include "relay/worker/realtime_pacer.h"

namespace liverec::relay::worker {

bool RealtimePacer::Wait(int64_t media_us) {
  const auto now = std::chrono::steady_clock::now();
  if (!origin_) {
    origin_ = now;
    origin_media_us_ = media_us;
    return !stop_.Requested();
  }
  auto due = *origin_ + std::chrono::microseconds(media_us - origin_media_us_);
  if (now - due > std::chrono::microseconds(kMaxLagUs)) {
    // Far behind (a slow destination): restart the clock here rather than burst to catch up.
    origin_ = now;
    origin_media_us_ = media_us;
    due = now;
  }
  if (due <= now) return !stop_.Requested();
  return !stop_.WaitUntil(due);
}

}  // namespace liverec::relay::worker
