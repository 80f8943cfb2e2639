#include "relay/worker/timestamp_stitcher.h"

#include <algorithm>

namespace liverec::relay::worker {

TimestampStitcher::TimestampStitcher(int stream_count)
    : tracks_(static_cast<size_t>(std::max(stream_count, 0))) {}

void TimestampStitcher::BeginInput(int64_t origin_us) { shift_us_ = end_us_ - origin_us; }

TimestampStitcher::Stamp TimestampStitcher::Map(int stream, int64_t dts_us, int64_t pts_us,
                                                int64_t duration_us) {
  Track& track = tracks_.at(static_cast<size_t>(stream));
  int64_t dts = dts_us + shift_us_;
  if (track.seen && (dts < track.last_dts_us - kMaxBackwardJumpUs ||
                     dts > track.last_dts_us + kMaxForwardJumpUs)) {
    // The input's clock jumped: continue from the running end, keeping streams together.
    shift_us_ += end_us_ - dts;
    dts = end_us_;
    ++reanchors_;
  }
  if (track.seen && dts < track.last_dts_us) {
    dts = track.last_dts_us;
    ++fixes_;
  }
  const int64_t pts = std::max(pts_us + shift_us_, dts);
  if (duration_us <= 0 && track.seen) duration_us = std::max<int64_t>(dts - track.last_dts_us, 0);
  if (duration_us <= 0) duration_us = track.last_duration_us;
  track.seen = true;
  track.last_dts_us = dts;
  track.last_duration_us = duration_us;
  end_us_ = std::max(end_us_, dts + duration_us);
  return {dts, pts};
}

}  // namespace liverec::relay::worker
