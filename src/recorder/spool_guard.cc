#include "recorder/spool_guard.h"

#include "recorder/spool_usage.h"

#include <spdlog/spdlog.h>

namespace liverec::recorder {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

}  // namespace

int64_t SpoolGuard::Measure() {
  int64_t total = MeasureSpoolUsage(spool_).total_bytes;
  Observe(total);
  return total;
}

void SpoolGuard::Observe(int64_t total) {
  bytes_.store(total, std::memory_order_relaxed);
  Level level = LevelOf(total);
  if (level != level_) {
    double used = static_cast<double>(total) / kMiB;
    double bound = static_cast<double>(max_bytes_) / kMiB;
    switch (level) {
      case Level::kFull:
        spdlog::error(
            "spool: {:.0f} MiB of its {:.0f} MiB bound: new recordings into unreachable "
            "buckets are refused until their backlog is stored",
            used, bound);
        break;
      case Level::kWarning:
        spdlog::warn("spool: {:.0f} MiB, {}% or more of its {:.0f} MiB bound", used, warn_percent_,
                     bound);
        break;
      case Level::kNormal:
        spdlog::info("spool: {:.0f} MiB, below {}% of its bound again", used, warn_percent_);
        break;
    }
    level_ = level;
  }
}

SpoolGuard::Level SpoolGuard::LevelOf(int64_t bytes) const {
  if (bytes >= max_bytes_) return Level::kFull;
  if (bytes * 100 >= max_bytes_ * warn_percent_) return Level::kWarning;
  return Level::kNormal;
}

}  // namespace liverec::recorder
