#include "op_log.h"

#include <algorithm>
#include <cmath>

namespace liverec::bench {

std::string_view OpName(Op op) {
  static constexpr std::array<std::string_view, kOpCount> kNames = {
      "slice",      "fence",     "m3u8 close",  "mp4 close", "publish",      "unpublish",
      "relay save", "node beat", "lease renew", "sweep",     "deliver round"};
  return kNames[static_cast<size_t>(op)];
}

Percentiles Summarize(std::vector<float>& samples) {
  Percentiles p;
  p.count = static_cast<int64_t>(samples.size());
  if (samples.empty()) return p;
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    auto i = static_cast<size_t>(std::ceil(q * static_cast<double>(samples.size()))) - 1;
    return static_cast<double>(samples[std::min(i, samples.size() - 1)]);
  };
  p.p50 = at(0.50);
  p.p99 = at(0.99);
  p.max = samples.back();
  return p;
}

void OpLog::Record(Op op, double ms, bool ok) {
  if (!measuring()) return;
  Slot& slot = slots_[static_cast<size_t>(op)];
  std::lock_guard lock(slot.mutex);
  slot.ms.push_back(static_cast<float>(ms));
  if (!ok) ++slot.errors;
}

void OpLog::RecordLag(bool relay, double ms) {
  if (!measuring()) return;
  Slot& slot = relay ? relay_lag_ : lag_;
  std::lock_guard lock(slot.mutex);
  slot.ms.push_back(static_cast<float>(ms));
}

OpLog::OpSummary OpLog::Summary(Op op) {
  Slot& slot = slots_[static_cast<size_t>(op)];
  std::lock_guard lock(slot.mutex);
  return {Summarize(slot.ms), slot.errors};
}

Percentiles OpLog::Lag(bool relay) {
  Slot& slot = relay ? relay_lag_ : lag_;
  std::lock_guard lock(slot.mutex);
  return Summarize(slot.ms);
}

}  // namespace liverec::bench
