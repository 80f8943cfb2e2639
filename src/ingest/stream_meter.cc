#include "ingest/stream_meter.h"

namespace liverec::ingest {
namespace {

// numerator / denominator, rounded to the nearest integer (both non-negative).
int Rounded(int64_t numerator, int64_t denominator) {
  return static_cast<int>((numerator + denominator / 2) / denominator);
}

}  // namespace

bool StreamMeter::Roll(int64_t now_ms, StreamStats& stats) {
  int64_t elapsed = now_ms - window_start_ms_;
  if (elapsed < kWindowMs) return false;
  stats.frame_rate = Rounded(video_frames_ * 1000, elapsed);
  // Bits per millisecond are kbit/s.
  stats.video_kbps = Rounded(video_bytes_ * 8, elapsed);
  stats.audio_kbps = Rounded(audio_bytes_ * 8, elapsed);
  window_start_ms_ = now_ms;
  video_bytes_ = audio_bytes_ = video_frames_ = 0;
  return true;
}

}  // namespace liverec::ingest
