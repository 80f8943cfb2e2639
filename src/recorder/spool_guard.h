// SpoolGuard: how much the spool holds against its bound ([recording] spool_max_mb). The spool
// grows while a bucket is unreachable (slices wait in stream lanes) and with the held slices of
// long MP4/FLV cycles. Measure() walks the spool (call it from a worker every few seconds) and
// logs when the usage crosses the warning level (spool_warn_percent) and the bound, and when it
// falls back. The walk is MeasureSpoolUsage's (spool_usage.h), bounded in entries. Recordings
// consult Full() before they start (the server refuses new recordings into an unreachable bucket
// while the spool is full: docs/recording.md). Thread-safety: Measure from one thread at a time;
// the getters from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "recorder/spool.h"

namespace liverec::recorder {

class SpoolGuard {
 public:
  SpoolGuard(const Spool& spool, int64_t max_bytes, int warn_percent)
      : spool_(spool), max_bytes_(max_bytes), warn_percent_(warn_percent) {}

  // Walks the spool; returns the bytes it holds.
  int64_t Measure();
  // Takes `bytes` as the spool's usage (Measure's second half; tests call it directly).
  void Observe(int64_t bytes);

  int64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  int64_t max_bytes() const { return max_bytes_; }
  bool Full() const { return bytes() >= max_bytes_; }

 private:
  enum class Level { kNormal, kWarning, kFull };
  Level LevelOf(int64_t bytes) const;

  const Spool& spool_;
  const int64_t max_bytes_;
  const int warn_percent_;
  std::atomic<int64_t> bytes_{0};
  Level level_ = Level::kNormal;
};

}  // namespace liverec::recorder
