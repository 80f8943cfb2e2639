#include "recorder/slice_clock.h"

#include <algorithm>

namespace liverec::recorder {

int64_t SliceClock::ToUtc(int64_t dts_ms, int64_t wall_ms, bool* jumped) {
  bool jump = false;
  if (!anchor_ms_) {
    anchor_ms_ = std::max(wall_ms, last_utc_) - dts_ms;
  } else if (dts_ms < last_dts_ || dts_ms - last_dts_ > max_jump_ms_) {
    jump = true;
    anchor_ms_ = std::max(wall_ms, last_utc_) - dts_ms;
  }
  if (jumped) *jumped = jump;
  last_dts_ = dts_ms;
  last_utc_ = std::max(last_utc_, *anchor_ms_ + dts_ms);
  return *anchor_ms_ + dts_ms;
}

}  // namespace liverec::recorder
