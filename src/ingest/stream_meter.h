// StreamMeter: a publish's frame rate and data rates, measured where its media arrives (the
// connection's I/O thread) at the cost of a few integer adds per tag. Rates are computed once per
// window of at least kWindowMs, and only then handed to the StreamRegistry (one lock a second).
// Thread-safety: none; owned by one RtmpConnection.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ingest/stream_registry.h"
#include "media/media_packet.h"

namespace liverec::ingest {

class StreamMeter {
 public:
  static constexpr int64_t kWindowMs = 1000;

  explicit StreamMeter(int64_t start_ms = 0) : window_start_ms_(start_ms) {}

  // One FLV tag of `payload_bytes`; `frame`: a video tag that carried a frame (not a sequence
  // header), counted for the frame rate.
  void Count(media::TrackKind kind, size_t payload_bytes, bool frame) {
    if (kind == media::TrackKind::kVideo) {
      video_bytes_ += static_cast<int64_t>(payload_bytes);
      video_frames_ += frame ? 1 : 0;
    } else {
      audio_bytes_ += static_cast<int64_t>(payload_bytes);
    }
  }

  // When the window has lasted kWindowMs at `now_ms`: sets the rates in `stats` (frames per
  // second, kbit/s, rounded) from it, starts the next window and returns true. Otherwise false.
  bool Roll(int64_t now_ms, StreamStats& stats);

 private:
  int64_t window_start_ms_;
  int64_t video_bytes_ = 0;
  int64_t audio_bytes_ = 0;
  int64_t video_frames_ = 0;
};

}  // namespace liverec::ingest
