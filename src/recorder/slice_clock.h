// SliceClock: maps media timestamps (ms) to UTC. The anchor is the wall clock at the stream's
// first packet minus its timestamp, so a stream pushed faster than real time gets the same
// UTC times as one pushed in real time. A timestamp jump (backwards, or forwards by more than
// `max_jump_ms`) re-anchors at max(wall clock, last UTC given), so times never go back.
// Sans-I/O; thread-safety: none.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

namespace liverec::recorder {

class SliceClock {
 public:
  explicit SliceClock(int64_t max_jump_ms = 10'000) : max_jump_ms_(max_jump_ms) {}

  // Times never go below `floor_ms` (the end of the stream's previous publish, which may lie in
  // the future of the wall clock when it was pushed faster than real time).
  void SetFloor(int64_t floor_ms) { last_utc_ = std::max(last_utc_, floor_ms); }

  // UTC ms of a packet with decode time `dts_ms`, seen when the wall clock says `wall_ms`.
  // Returns true in `jumped` when this packet re-anchored the clock.
  int64_t ToUtc(int64_t dts_ms, int64_t wall_ms, bool* jumped = nullptr);

 private:
  int64_t max_jump_ms_;
  std::optional<int64_t> anchor_ms_;  // utc = anchor + dts
  int64_t last_dts_ = 0;
  int64_t last_utc_ = 0;
};

}  // namespace liverec::recorder
