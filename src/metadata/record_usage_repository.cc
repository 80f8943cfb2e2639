#include "metadata/record_usage_repository.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <tuple>
#include <utility>

#include <fmt/format.h>

namespace liverec::metadata {
namespace {

constexpr int64_t kHourPeriodS = 3600;
constexpr int64_t kDayPeriodS = 86'400;
// How many already rolled-up hours (days) each RollUp computes again, for minutes written late.
constexpr int64_t kRecomputedHours = 3;
constexpr int64_t kRecomputedDays = 1;

int64_t Floor(int64_t ms, int64_t unit) { return ms - ms % unit; }
int64_t Ceil(int64_t ms, int64_t unit) { return Floor(ms + unit - 1, unit); }

// Where a query reads: the nodes' minutes, or the roll-ups of one period.
struct Source {
  std::string_view table;
  std::string_view time;
  int64_t period_s = 0;  // 0: the minutes
};
constexpr Source kMinutes{"record_usage_minutes", "minute_ms", 0};
constexpr Source kHours{"record_usage_rollups", "start_ms", kHourPeriodS};
constexpr Source kDays{"record_usage_rollups", "start_ms", kDayPeriodS};

using PointKey = std::tuple<int64_t, std::string, std::string>;

// The points of `q` within [from, to) read from `source`, merged into `out` (peak: the highest,
// duration: the sum). Per time unit of the source, the rows are summed first (over the nodes,
// and over the domains when they are not split), then the units are bucketed.
Status QuerySource(SqlSession& s, const UsageQuery& q, const Source& source, int64_t from,
                   int64_t to, std::map<PointKey, UsagePoint>& out) {
  if (from >= to) return Status::Ok();
  std::vector<SqlValue> args = {q.account_id, from, to};
  std::string filter = q.split_fmt ? " AND record_fmt <> ''" : " AND record_fmt = ''";
  if (source.period_s != 0) filter += fmt::format(" AND period_s = {}", source.period_s);
  if (!q.domains.empty()) {
    filter += " AND domain_name IN (?";
    for (size_t i = 1; i < q.domains.size(); ++i) filter += ", ?";
    filter += ")";
    for (const auto& d : q.domains) args.emplace_back(d);
  } else if (source.period_s != 0) {
    // Roll-ups keep each domain and, as domain "", the account's domains together.
    filter += q.split_domain ? " AND domain_name <> ''" : " AND domain_name = ''";
  }
  std::string columns;
  if (q.split_domain) columns += ", domain_name";
  if (q.split_fmt) columns += ", record_fmt";
  std::string inner = fmt::format(
      "SELECT {0} AS t{1}, SUM(peak) AS peak, SUM(duration_ms) AS duration_ms FROM {2} "
      "WHERE account_id = ? AND {0} >= ? AND {0} < ?{3} GROUP BY {0}{1}",
      source.time, columns, source.table, filter);
  std::string sql = fmt::format(
      "SELECT t - t % {0}, {1}, {2}, MAX(peak), SUM(duration_ms) FROM ({3}) u "
      "GROUP BY t - t % {0}{4}",
      q.interval_ms, q.split_domain ? "domain_name" : "''", q.split_fmt ? "record_fmt" : "''",
      inner, columns);
  auto rows = s.Query(sql, args);
  if (!rows) return rows.error();
  for (const auto& r : *rows) {
    UsagePoint p{AsInt(r[0]), AsText(r[1]), AsText(r[2]), AsInt(r[3]), AsInt(r[4])};
    auto [it, inserted] = out.try_emplace({p.bucket_ms, p.domain_name, p.record_fmt}, p);
    if (!inserted) {
      it->second.peak = std::max(it->second.peak, p.peak);
      it->second.duration_ms += p.duration_ms;
    }
  }
  return Status::Ok();
}

struct Marks {
  int64_t hours = 0;
  int64_t days = 0;
};

Result<Marks> ReadMarks(SqlSession& s) {
  auto rows = s.Query("SELECT period_s, until_ms FROM record_usage_marks");
  if (!rows) return Error(rows.error());
  Marks marks;
  for (const auto& r : *rows) {
    (AsInt(r[0]) == kHourPeriodS ? marks.hours : marks.days) = AsInt(r[1]);
  }
  return marks;
}

Status WriteMark(SqlSession& s, int64_t period_s, int64_t until_ms) {
  auto r = s.Execute(
      "INSERT INTO record_usage_marks (period_s, until_ms) VALUES (?, ?) ON CONFLICT (period_s) "
      "DO UPDATE SET until_ms = excluded.until_ms",
      {period_s, until_ms});
  return r ? Status::Ok() : r.error();
}

// The first unit of a roll-up to compute: a few before its mark, or the first with data.
Result<int64_t> RollUpFrom(SqlSession& s, int64_t mark, int64_t unit, int64_t recomputed,
                           std::string_view first_sql) {
  if (mark > 0) return mark - recomputed * unit;
  auto rows = s.Query(first_sql);
  if (!rows) return Error(rows.error());
  if (rows->empty() || !AsOptionalInt(rows->front()[0])) return INT64_MAX;
  return Floor(AsInt(rows->front()[0]), unit);
}

// Replaces the hours [from, to) with the nodes' minutes: per minute summed over the nodes (and,
// for domain "", over the domains), the hour's peak the highest minute.
Status RollUpHours(SqlSession& s, int64_t from, int64_t to) {
  auto deleted = s.Execute(
      "DELETE FROM record_usage_rollups WHERE period_s = ? AND start_ms >= ? AND start_ms < ?",
      {kHourPeriodS, from, to});
  if (!deleted) return deleted.error();
  for (bool per_domain : {true, false}) {
    std::string_view domain = per_domain ? ", domain_name" : "";
    auto inserted = s.Execute(
        fmt::format(
            "INSERT INTO record_usage_rollups (period_s, account_id, start_ms, domain_name, "
            "record_fmt, peak, duration_ms) SELECT {0}, account_id, minute_ms - minute_ms % {1}, "
            "{2}, record_fmt, MAX(peak), SUM(duration_ms) FROM (SELECT account_id, minute_ms{3}, "
            "record_fmt, SUM(peak) AS peak, SUM(duration_ms) AS duration_ms FROM "
            "record_usage_minutes WHERE minute_ms >= ? AND minute_ms < ? GROUP BY account_id, "
            "minute_ms{3}, record_fmt) m GROUP BY account_id, minute_ms - minute_ms % {1}{3}, "
            "record_fmt",
            kHourPeriodS, kUsageHourMs, per_domain ? "domain_name" : "''", domain),
        {from, to});
    if (!inserted) return inserted.error();
  }
  return Status::Ok();
}

// Replaces the days [from, to) with their hours (already summed over the nodes).
Status RollUpDays(SqlSession& s, int64_t from, int64_t to) {
  auto deleted = s.Execute(
      "DELETE FROM record_usage_rollups WHERE period_s = ? AND start_ms >= ? AND start_ms < ?",
      {kDayPeriodS, from, to});
  if (!deleted) return deleted.error();
  auto inserted = s.Execute(
      fmt::format("INSERT INTO record_usage_rollups (period_s, account_id, start_ms, domain_name, "
                  "record_fmt, peak, duration_ms) SELECT {0}, account_id, start_ms - start_ms % "
                  "{1}, domain_name, record_fmt, MAX(peak), SUM(duration_ms) FROM "
                  "record_usage_rollups WHERE period_s = {2} AND start_ms >= ? AND start_ms < ? "
                  "GROUP BY account_id, start_ms - start_ms % {1}, domain_name, record_fmt",
                  kDayPeriodS, kUsageDayMs, kHourPeriodS),
      {from, to});
  return inserted ? Status::Ok() : inserted.error();
}

}  // namespace

Status RecordUsageRepository::AddMinutes(const std::string& node,
                                         const std::vector<UsageMinuteRow>& rows) {
  if (rows.empty()) return Status::Ok();
  return db_.InTransaction([&](SqlSession& s) -> Status {
    for (const auto& r : rows) {
      auto added = s.Execute(
          "INSERT INTO record_usage_minutes (account_id, minute_ms, domain_name, record_fmt, "
          "node, peak, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, "
          "minute_ms, domain_name, record_fmt, node) DO UPDATE SET peak = CASE WHEN "
          "excluded.peak > record_usage_minutes.peak THEN excluded.peak ELSE "
          "record_usage_minutes.peak END, duration_ms = record_usage_minutes.duration_ms + "
          "excluded.duration_ms",
          {r.account_id, r.minute_ms, r.domain_name, r.record_fmt, node, r.peak, r.duration_ms});
      if (!added) return added.error();
    }
    return Status::Ok();
  });
}

Result<std::vector<UsagePoint>> RecordUsageRepository::Query(const UsageQuery& q) {
  std::map<PointKey, UsagePoint> points;
  Status read = db_.InTransaction([&](SqlSession& s) -> Status {
    points.clear();
    auto marks = ReadMarks(s);
    if (!marks) return marks.error();
    int64_t minutes_from = q.start_ms;
    if (q.interval_ms >= kUsageDayMs) {
      LIVEREC_RETURN_IF_ERROR(
          QuerySource(s, q, kDays, q.start_ms, std::min(q.end_ms, marks->days), points));
      minutes_from = std::max(minutes_from, marks->days);
    }
    if (q.interval_ms >= kUsageHourMs) {
      LIVEREC_RETURN_IF_ERROR(
          QuerySource(s, q, kHours, minutes_from, std::min(q.end_ms, marks->hours), points));
      minutes_from = std::max(minutes_from, marks->hours);
    }
    return QuerySource(s, q, kMinutes, minutes_from, q.end_ms, points);
  });
  if (!read.ok()) return Error(read);
  std::vector<UsagePoint> out;
  out.reserve(points.size());
  for (auto& [key, point] : points) out.push_back(std::move(point));
  return out;
}

Result<UsageRollUp> RecordUsageRepository::RollUp(int64_t now_ms) {
  UsageRollUp done;
  Status rolled = db_.InTransaction([&](SqlSession& s) -> Status {
    auto marks = ReadMarks(s);
    if (!marks) return marks.error();
    int64_t hours_to = Floor(now_ms - kUsageRollUpGraceMs, kUsageHourMs);
    auto hours_from = RollUpFrom(s, marks->hours, kUsageHourMs, kRecomputedHours,
                                 "SELECT MIN(minute_ms) FROM record_usage_minutes");
    if (!hours_from) return hours_from.error();
    // Never from minutes the purge may have thinned.
    int64_t from = std::max(*hours_from, Ceil(now_ms - kUsageMinuteRetentionMs, kUsageHourMs));
    if (from < hours_to) LIVEREC_RETURN_IF_ERROR(RollUpHours(s, from, hours_to));
    done.hours_until_ms = std::max(marks->hours, hours_to);
    LIVEREC_RETURN_IF_ERROR(WriteMark(s, kHourPeriodS, done.hours_until_ms));

    int64_t days_to = std::min(Floor(now_ms - kUsageRollUpGraceMs, kUsageDayMs),
                               Floor(done.hours_until_ms, kUsageDayMs));
    auto days_from =
        RollUpFrom(s, marks->days, kUsageDayMs, kRecomputedDays,
                   fmt::format("SELECT MIN(start_ms) FROM record_usage_rollups WHERE period_s = {}",
                               kHourPeriodS));
    if (!days_from) return days_from.error();
    from = std::max(*days_from, Ceil(now_ms - kUsageHourRetentionMs, kUsageDayMs));
    if (from < days_to) LIVEREC_RETURN_IF_ERROR(RollUpDays(s, from, days_to));
    done.days_until_ms = std::max(marks->days, days_to);
    return WriteMark(s, kDayPeriodS, done.days_until_ms);
  });
  if (!rolled.ok()) return Error(rolled);
  return done;
}

Result<UsagePurge> RecordUsageRepository::Purge(int64_t now_ms) {
  UsagePurge purged;
  auto minutes = db_.Execute("DELETE FROM record_usage_minutes WHERE minute_ms < ?",
                             {now_ms - kUsageMinuteRetentionMs});
  if (!minutes) return Error(minutes.error());
  purged.minutes = *minutes;
  for (auto [period_s, retention_ms] : {std::pair{kHourPeriodS, kUsageHourRetentionMs},
                                        std::pair{kDayPeriodS, kUsageDayRetentionMs}}) {
    auto rollups =
        db_.Execute("DELETE FROM record_usage_rollups WHERE period_s = ? AND start_ms < ?",
                    {period_s, now_ms - retention_ms});
    if (!rollups) return Error(rollups.error());
    purged.rollups += *rollups;
  }
  return purged;
}

}  // namespace liverec::metadata
