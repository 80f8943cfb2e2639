// SliceCutter: where TS slices begin (sans-I/O). With video, a slice starts on a video keyframe
// and a new one begins at the first keyframe at least `slice_ms` after the slice's start; audio
// only: at the first packet at least `slice_ms` after. A slice never grows past `max_slice_ms`
// without a keyframe: then it is cut at the next video packet anyway (logged by the caller).
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <optional>

#include "media/media_packet.h"

namespace liverec::recorder {

enum class CutDecision {
  kDrop,      // before the first keyframe: not recordable yet
  kAppend,    // goes into the current slice
  kNewSlice,  // closes the current slice (if any) and starts a new one with this packet
};

class SliceCutter {
 public:
  SliceCutter(int64_t slice_ms, bool has_video, int64_t max_slice_ms = 60'000)
      : slice_ms_(slice_ms), max_slice_ms_(max_slice_ms), has_video_(has_video) {}

  CutDecision Decide(const media::MediaPacket& packet);
  // Forces the next recordable packet to open a new slice (after a codec change or a gap).
  void Reset() { slice_start_dts_.reset(); }

 private:
  int64_t slice_ms_;
  int64_t max_slice_ms_;
  bool has_video_;
  std::optional<int64_t> slice_start_dts_;
};

}  // namespace liverec::recorder
