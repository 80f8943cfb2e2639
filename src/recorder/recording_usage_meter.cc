#include "recorder/recording_usage_meter.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <tuple>
#include <utility>

namespace liverec::recorder {
namespace {

using GroupKey = std::tuple<std::string, std::string, std::string>;  // account, domain, format

struct Group {
  std::vector<std::pair<int64_t, int>> edges;  // (time, +1 opens / -1 closes)
  int64_t duration_ms = 0;
};

// The most edges open at once; a span closing when another opens does not overlap it.
int64_t Peak(std::vector<std::pair<int64_t, int>>& edges) {
  std::sort(edges.begin(), edges.end());  // at equal times -1 sorts before +1
  int64_t open = 0, peak = 0;
  for (const auto& [time, delta] : edges) {
    open += delta;
    peak = std::max(peak, open);
  }
  return peak;
}

void AddWindow(const std::vector<UsageSpan>& spans, int64_t minute, int64_t from, int64_t to,
               std::vector<metadata::UsageMinuteRow>& out) {
  std::map<GroupKey, Group> groups;
  for (const auto& span : spans) {
    int64_t start = std::max(span.start_ms, from);
    int64_t end = span.end_ms < 0 ? to : std::min(span.end_ms, to);
    if (end <= start) continue;
    std::set<std::string> formats(span.stream.formats.begin(), span.stream.formats.end());
    formats.insert("");  // the stream, in any format
    for (const auto& format : formats) {
      Group& g = groups[{span.stream.account_id, span.stream.domain, format}];
      g.edges.emplace_back(start, 1);
      g.edges.emplace_back(end, -1);
      g.duration_ms += end - start;
    }
  }
  for (auto& [key, group] : groups) {
    const auto& [account, domain, format] = key;
    out.push_back({minute, account, domain, format, Peak(group.edges), group.duration_ms});
  }
}

}  // namespace

std::vector<metadata::UsageMinuteRow> MinuteUsage(const std::vector<UsageSpan>& spans,
                                                  int64_t from_ms, int64_t to_ms) {
  constexpr int64_t kMinute = metadata::kUsageMinuteMs;
  std::vector<metadata::UsageMinuteRow> rows;
  for (int64_t minute = from_ms - from_ms % kMinute; minute < to_ms; minute += kMinute) {
    AddWindow(spans, minute, std::max(minute, from_ms), std::min(minute + kMinute, to_ms), rows);
  }
  return rows;
}

RecordingUsageMeter::RecordingUsageMeter(const Clock& clock)
    : clock_(clock), collected_until_ms_(clock.NowMs()) {}

uint64_t RecordingUsageMeter::Begin(UsageStream stream) {
  int64_t now = clock_.NowMs();
  std::lock_guard lock(mutex_);
  uint64_t id = next_id_++;
  spans_.emplace(id, UsageSpan{std::move(stream), now, -1});
  return id;
}

void RecordingUsageMeter::End(uint64_t id) {
  int64_t now = clock_.NowMs();
  std::lock_guard lock(mutex_);
  auto it = spans_.find(id);
  if (it != spans_.end() && it->second.end_ms < 0) {
    it->second.end_ms = std::max(now, it->second.start_ms);
  }
}

std::vector<metadata::UsageMinuteRow> RecordingUsageMeter::Collect() {
  int64_t now = clock_.NowMs();
  std::vector<UsageSpan> spans;
  int64_t from = 0;
  {
    std::lock_guard lock(mutex_);
    if (now <= collected_until_ms_) return {};  // no time passed (or the clock stepped back)
    from = collected_until_ms_;
    collected_until_ms_ = now;
    spans.reserve(spans_.size());
    for (auto it = spans_.begin(); it != spans_.end();) {
      spans.push_back(it->second);
      it = it->second.end_ms >= 0 && it->second.end_ms <= now ? spans_.erase(it) : std::next(it);
    }
  }
  return MinuteUsage(spans, from, now);
}

size_t RecordingUsageMeter::OpenCount() const {
  std::lock_guard lock(mutex_);
  return static_cast<size_t>(std::count_if(spans_.begin(), spans_.end(),
                                           [](const auto& s) { return s.second.end_ms < 0; }));
}

}  // namespace liverec::recorder
