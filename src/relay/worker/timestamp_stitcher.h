// TimestampStitcher: makes one continuous timeline out of the packets of several inputs (the
// files of a playlist and its repeats, or one live source), so the destination sees a single
// stream whose timestamps only go forward.
//
// All times are microseconds. Each input starts with BeginInput(origin): `origin` is the
// earliest DTS of its first packets (all streams), and it is placed at the running end of what
// was stitched before (the largest DTS + duration over all streams), so audio and video keep
// their relative offsets within an input. Within an input:
//   - a jump of more than kMaxBackwardJumpUs back or kMaxForwardJumpUs forward (a live source
//     that restarted its clock) re-anchors the input at the running end, for all streams alike;
//   - a smaller step back is clamped to the stream's previous DTS and counted in fixes(), so a
//     non-monotonic DTS is repaired, never dropped, and never reaches the muxer;
//   - PTS is shifted with its DTS and never left below it.
// Thread-safety: a plain value; not synchronised.
#pragma once

#include <cstdint>
#include <vector>

namespace liverec::relay::worker {

class TimestampStitcher {
 public:
  static constexpr int64_t kMaxBackwardJumpUs = 1'000'000;
  static constexpr int64_t kMaxForwardJumpUs = 10'000'000;

  struct Stamp {
    int64_t dts_us = 0;
    int64_t pts_us = 0;
  };

  explicit TimestampStitcher(int stream_count);

  // Starts the next input; its packets at `origin_us` land on EndUs().
  void BeginInput(int64_t origin_us);

  // The output DTS/PTS of one packet of `stream` (input DTS/PTS, duration 0 if unknown).
  Stamp Map(int stream, int64_t dts_us, int64_t pts_us, int64_t duration_us);

  // The running end: the largest output DTS + duration over all streams (0 before any packet).
  int64_t EndUs() const { return end_us_; }
  // How many packets had their DTS clamped, and how many re-anchors happened.
  int64_t fixes() const { return fixes_; }
  int64_t reanchors() const { return reanchors_; }

 private:
  struct Track {
    bool seen = false;
    int64_t last_dts_us = 0;
    int64_t last_duration_us = 0;
  };

  int64_t shift_us_ = 0;
  int64_t end_us_ = 0;
  int64_t fixes_ = 0;
  int64_t reanchors_ = 0;
  std::vector<Track> tracks_;
};

}  // namespace liverec::relay::worker
