#include "recorder/slice_cutter.h"

namespace liverec::recorder {

CutDecision SliceCutter::Decide(const media::MediaPacket& packet) {
  bool is_video = packet.kind == media::TrackKind::kVideo;
  bool can_start = has_video_ ? (is_video && packet.keyframe) : true;
  if (!slice_start_dts_) {
    if (!can_start) return CutDecision::kDrop;
    slice_start_dts_ = packet.dts_ms;
    return CutDecision::kNewSlice;
  }
  int64_t elapsed = packet.dts_ms - *slice_start_dts_;
  bool due = elapsed >= slice_ms_;
  bool overdue = has_video_ && is_video && elapsed >= max_slice_ms_;
  if ((due && can_start) || overdue) {
    slice_start_dts_ = packet.dts_ms;
    return CutDecision::kNewSlice;
  }
  return CutDecision::kAppend;
}

}  // namespace liverec::recorder
