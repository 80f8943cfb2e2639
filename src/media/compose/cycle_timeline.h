// CycleTimeline: the timestamp arithmetic of composing one recording file from many MPEG-TS
// slices. Works in the TS clock (90 kHz, ISO/IEC 13818-1 §2.4.3.7) and knows nothing of libav.
//
// The output's presentation starts at 0: time 0 is the first slice's earliest PTS (DTS before
// it, of frames reordered by B-frames, come out negative; MP4 covers them with an edit list,
// libavformat shifts FLV). A slice whose first DTS continues the previous slice (within
// `max_jump`, or across the 33-bit wrap of the TS clock) keeps its own timestamps, shifted by
// the same offset as before. Any other slice, and every slice the caller marks as following an
// interruption, is rebased as a whole so that its earliest PTS lands where the previous slice's
// presentation ended (the latest PTS plus that frame's duration, over the tracks): no gap, no
// step back, and audio and video keep their sync. The track that ended earlier before the
// interruption (by the encoder's audio/video end skew, typically well under 0.1 s) holds its
// last frame that long.
// Within a track, output DTS strictly increase (a repeat moves up one tick) and PTS >= DTS.
// Thread-safety: none; one composition owns a timeline.
#pragma once

#include <array>
#include <cstdint>
#include <limits>

namespace liverec::media::compose {

class CycleTimeline {
 public:
  // A packet without a timestamp (libav's AV_NOPTS_VALUE has the same value).
  static constexpr int64_t kNoTimestamp = std::numeric_limits<int64_t>::min();
  static constexpr int64_t kTicksPerSecond = 90000;
  static constexpr int kVideo = 0;
  static constexpr int kAudio = 1;

  struct Stamp {
    int64_t dts = 0;
    int64_t pts = 0;
  };

  explicit CycleTimeline(int64_t max_jump_ticks) : max_jump_(max_jump_ticks) {}

  // Starts a slice whose smallest DTS and PTS (over its first packets) are `first_dts` and
  // `first_pts`. Returns true when the slice was rebased (a gap or a step back was closed).
  bool BeginSlice(int64_t first_dts, int64_t first_pts, bool after_interruption);

  // Maps one packet of `track` (kVideo/kAudio). `duration` may be 0 (unknown): the track's
  // previous DTS step stands in for it. A packet without DTS takes its PTS; without either,
  // it follows the track's previous packet.
  Stamp Map(int track, int64_t dts, int64_t pts, int64_t duration);

  // End of the output so far, in DTS: the largest last-DTS-plus-duration over the tracks.
  int64_t end() const { return end_; }
  // Presentation time covered so far: earliest PTS to the end of the latest-presented frame.
  int64_t duration() const { return pts_start_ == kNoTimestamp ? 0 : pts_end_ - pts_start_; }

 private:
  struct TrackState {
    int64_t last_dts = kNoTimestamp;  // output clock
    int64_t last_step = 0;            // previous DTS step, the fallback duration
  };

  int64_t max_jump_;
  bool started_ = false;
  int64_t offset_ = 0;  // output = input + offset_
  int64_t end_ = 0;
  int64_t pts_start_ = kNoTimestamp;
  int64_t pts_end_ = 0;
  std::array<TrackState, 2> tracks_;
};

}  // namespace liverec::media::compose
