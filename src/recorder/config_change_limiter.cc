#include "recorder/config_change_limiter.h"

namespace liverec::recorder {

bool ConfigChangeLimiter::Take(std::optional<int64_t> slice_media_ms, int64_t now_ms) {
  if (!slice_media_ms) return true;  // nothing to cut
  if (*slice_media_ms < limits_.min_slice_ms) return false;
  // A clock that steps back empties the window rather than holding changes off for longer.
  while (!taken_ms_.empty() &&
         (now_ms - taken_ms_.front() >= 60'000 || now_ms < taken_ms_.front())) {
    taken_ms_.pop_front();
  }
  if (static_cast<int64_t>(taken_ms_.size()) >= limits_.max_per_minute) return false;
  taken_ms_.push_back(now_ms);
  return true;
}

}  // namespace liverec::recorder
