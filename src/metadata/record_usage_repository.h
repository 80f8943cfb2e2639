// RecordUsageRepository: how much was recorded, for DescribeLiveDomainRecordUsageData
// (docs/api/usage.md). Each node adds its own usage per UTC minute (AddMinutes): per account,
// domain and record format, the peak number of channels recording at once within the minute and
// the channel-milliseconds recorded; record format "" counts streams (a stream recorded in any
// number of formats is one). RollUp sums the nodes' minutes into hourly and daily rows (kept
// longer than the minutes); Query answers per interval from the finest data still kept: a
// bucket's Count is the highest per-minute (or per-hour, per-day) sum over the nodes, its
// duration the sum. Thread-safety: any thread (the SqlDatabase serializes); RollUp and Purge
// are meant for one node at a time (the retention job) but are idempotent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "metadata/sql_database.h"

namespace liverec::metadata {

inline constexpr int64_t kUsageMinuteMs = 60'000;
inline constexpr int64_t kUsageHourMs = 3'600'000;
inline constexpr int64_t kUsageDayMs = 86'400'000;
// How long each granularity is kept (the cloud's rules): minutes 60 days (so 1- and 5-minute
// data), hours 180 days, days 366 days.
inline constexpr int64_t kUsageMinuteRetentionMs = 60 * kUsageDayMs;
inline constexpr int64_t kUsageHourRetentionMs = 180 * kUsageDayMs;
inline constexpr int64_t kUsageDayRetentionMs = 366 * kUsageDayMs;
// An hour (a day) is rolled up once it ended this long ago: time for the nodes' last minutes.
inline constexpr int64_t kUsageRollUpGraceMs = 5 * kUsageMinuteMs;

// One node's usage of one group in one minute.
struct UsageMinuteRow {
  int64_t minute_ms = 0;  // the minute's start (a multiple of 60 000)
  std::string account_id;
  std::string domain_name;
  std::string record_fmt;  // "m3u8" | "mp4" | "flv", or "" for streams in any format
  int64_t peak = 0;        // channels recording at once, at most, within the minute
  int64_t duration_ms = 0;
  friend bool operator==(const UsageMinuteRow&, const UsageMinuteRow&) = default;
};

struct UsageQuery {
  std::string account_id;
  std::vector<std::string> domains;  // empty: every domain of the account
  bool split_domain = false;
  bool split_fmt = false;         // false: streams ("" rows), true: per format
  int64_t interval_ms = 300'000;  // 60 000, 300 000, 3 600 000 or 86 400 000
  int64_t start_ms = 0;           // buckets [start_ms, end_ms), start_ms a multiple of interval_ms
  int64_t end_ms = 0;
};

// One bucket of one group that has usage (buckets without are not returned).
struct UsagePoint {
  int64_t bucket_ms = 0;
  std::string domain_name;  // "" unless split_domain
  std::string record_fmt;   // "" unless split_fmt
  int64_t peak = 0;
  int64_t duration_ms = 0;
  friend bool operator==(const UsagePoint&, const UsagePoint&) = default;
};

struct UsageRollUp {
  int64_t hours_until_ms = 0;  // hours before this are rolled up
  int64_t days_until_ms = 0;
};

struct UsagePurge {
  int64_t minutes = 0;
  int64_t rollups = 0;
};

class RecordUsageRepository {
 public:
  explicit RecordUsageRepository(SqlDatabase& db) : db_(db) {}

  // Adds `node`'s usage: per (account, minute, domain, format) the peaks are maxed and the
  // durations added to what the node wrote before. One transaction.
  Status AddMinutes(const std::string& node, const std::vector<UsageMinuteRow>& rows);
  // The usage points of `query`, ordered by bucket, domain, format.
  Result<std::vector<UsagePoint>> Query(const UsageQuery& query);
  // Rolls the minutes of every hour that ended kUsageRollUpGraceMs before `now_ms` into hours,
  // and the hours of every such day into days, recomputing the last few of each (late minutes).
  Result<UsageRollUp> RollUp(int64_t now_ms);
  // Removes what is older than its retention (run after RollUp).
  Result<UsagePurge> Purge(int64_t now_ms);

 private:
  SqlDatabase& db_;
};

}  // namespace liverec::metadata
