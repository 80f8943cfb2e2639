// RecordingUsageMeter: what this node records, for DescribeLiveDomainRecordUsageData
// (docs/api/usage.md). Each recording is a span from Begin to End (a stream recorded in some
// formats). Collect hands over the usage since the previous Collect, cut at UTC minute
// boundaries: per (account, domain, format) and per (account, domain) for streams in any format
// (record_fmt ""), the peak number of spans open at once within the minute and the milliseconds
// they were open. The peak and the durations are exact whatever the period between Collects;
// the period only decides how soon the usage reaches the database.
// Thread-safety: any thread (one mutex).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "metadata/record_usage_repository.h"

namespace liverec::recorder {

// One recording: its stream and the formats it writes ("m3u8", "mp4", "flv").
struct UsageStream {
  std::string account_id;
  std::string domain;
  std::vector<std::string> formats;
};

// A recording's time: [start_ms, end_ms); end_ms < 0 while it records.
struct UsageSpan {
  UsageStream stream;
  int64_t start_ms = 0;
  int64_t end_ms = -1;
};

// The minute rows of `spans` within [from_ms, to_ms) (an open span counts up to to_ms), in
// order of minute, account, domain, format. Pure; the unit of RecordingUsageMeter::Collect.
std::vector<metadata::UsageMinuteRow> MinuteUsage(const std::vector<UsageSpan>& spans,
                                                  int64_t from_ms, int64_t to_ms);

class RecordingUsageMeter {
 public:
  // Usage counts from now (the clock's time at construction).
  explicit RecordingUsageMeter(const Clock& clock);

  // A recording starts now; returns its id for End.
  uint64_t Begin(UsageStream stream);
  // The recording `id` ends now (an unknown or ended id is ignored).
  void End(uint64_t id);
  // The usage from the previous Collect (or construction) to now.
  std::vector<metadata::UsageMinuteRow> Collect();
  // Recordings begun and not ended.
  size_t OpenCount() const;

 private:
  const Clock& clock_;
  mutable std::mutex mutex_;
  uint64_t next_id_ = 1;
  int64_t collected_until_ms_;
  std::map<uint64_t, UsageSpan> spans_;  // open, or ended since the last Collect
};

}  // namespace liverec::recorder
