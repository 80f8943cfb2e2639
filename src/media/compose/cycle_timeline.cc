#include "media/compose/cycle_timeline.h"

#include <algorithm>
#include <cstdlib>

namespace liverec::media::compose {
namespace {

// PTS/DTS are 33-bit fields (ISO/IEC 13818-1 §2.4.3.7); the demuxer unwraps within one file,
// not across files.
constexpr int64_t kTsClockWrap = int64_t{1} << 33;

}  // namespace

bool CycleTimeline::BeginSlice(int64_t first_dts, int64_t first_pts, bool after_interruption) {
  if (!started_) {
    started_ = true;
    offset_ = -first_pts;
    return false;
  }
  if (!after_interruption) {
    const int64_t previous_end = end_ - offset_;  // in this input's clock
    if (std::llabs(first_dts - previous_end) <= max_jump_) return false;
    if (std::llabs(first_dts + kTsClockWrap - previous_end) <= max_jump_) {
      offset_ += kTsClockWrap;
      return false;
    }
  }
  offset_ = pts_end_ - first_pts;
  return true;
}

CycleTimeline::Stamp CycleTimeline::Map(int track, int64_t dts, int64_t pts, int64_t duration) {
  TrackState& state = tracks_[static_cast<size_t>(track)];
  if (dts == kNoTimestamp) dts = pts;
  Stamp out;
  if (dts == kNoTimestamp) {
    out.dts = state.last_dts == kNoTimestamp
                  ? end_
                  : state.last_dts + std::max<int64_t>(state.last_step, 1);
    out.pts = out.dts;
  } else {
    out.dts = dts + offset_;
    out.pts = (pts == kNoTimestamp ? dts : pts) + offset_;
  }
  if (state.last_dts != kNoTimestamp) {
    out.dts = std::max(out.dts, state.last_dts + 1);
    state.last_step = out.dts - state.last_dts;
  }
  out.pts = std::max(out.pts, out.dts);
  state.last_dts = out.dts;
  const int64_t step = duration > 0 ? duration : state.last_step;
  end_ = std::max(end_, out.dts + step);
  pts_start_ = pts_start_ == kNoTimestamp ? out.pts : std::min(pts_start_, out.pts);
  pts_end_ = std::max(pts_end_, out.pts + step);
  return out;
}

}  // namespace liverec::media::compose
