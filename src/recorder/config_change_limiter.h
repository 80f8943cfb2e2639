// ConfigChangeLimiter: bounds how often one stream's codec configuration changes may cut a new
// slice — and so a new MP4/FLV file — whatever the publisher sends (sans-I/O). A change is taken
// when the open slice has run at least `min_slice_ms` of media time and fewer than
// `max_per_minute` changes were taken in the last 60 s of the clock; otherwise it is held off:
// the caller keeps the slice and its configuration and drops the packets sent under the other
// one, until the configuration comes back or a change is taken. A change while no slice is open
// cuts nothing and is always taken (not counted). Identical configurations (a re-sent sequence
// header) are no change at all: the caller compares them first. See docs/recording.md,
// "A stream whose codec configuration keeps changing".
// Time comes from the caller: the media time into the slice, and a Clock's milliseconds (the
// publisher controls the first, not the second).
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

namespace liverec::recorder {

struct ConfigChangeLimits {
  int64_t min_slice_ms = 1000;  // media time a slice runs before a change may cut it
  int max_per_minute = 10;      // changes taken per 60 s of the clock
};

class ConfigChangeLimiter {
 public:
  explicit ConfigChangeLimiter(ConfigChangeLimits limits = {}) : limits_(limits) {}

  // Whether a configuration change may cut the open slice now. `slice_media_ms`: how far (media
  // time) the packet is into the open slice, nullopt when no slice is open; `now_ms`: the clock.
  // A change taken with a slice open is counted against the minute's budget.
  bool Take(std::optional<int64_t> slice_media_ms, int64_t now_ms);

  const ConfigChangeLimits& limits() const { return limits_; }

 private:
  ConfigChangeLimits limits_;
  std::deque<int64_t> taken_ms_;  // the clock at each change taken in the last minute
};

}  // namespace liverec::recorder
