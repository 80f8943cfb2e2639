// DescribeLiveDomainRecordUsageData: per interval, the peak number of channels recording at once
// and the seconds recorded, for some or all of the caller's domains, optionally split by domain
// and by record format (docs/api/usage.md). The data are what the nodes' usage meters wrote
// (metadata::RecordUsageRepository); every interval of every group is listed, zeros included.
#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>

#include "api/actions/actions.h"
#include "api/record_config_params.h"
#include "api/record_index_params.h"
#include "api/relay_params.h"
#include "base/names.h"
#include "base/time_format.h"

namespace liverec::api::actions {
namespace {

constexpr int64_t kDayMs = metadata::kUsageDayMs;
constexpr size_t kMaxDomains = 100;
constexpr std::string_view kDefaultRegion = "cn-shanghai";
// The record formats when split by record_fmt: stored name, the API's Type.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kFormats = {
    {{"m3u8", "M3U8"}, {"mp4", "MP4"}, {"flv", "FLV"}}};

// Each Interval's longest range and how far back its data go.
struct Granularity {
  int64_t interval_s;
  TimeRangeRules rules;
};
constexpr std::array<Granularity, 4> kGranularities = {{
    {60, {1, metadata::kUsageMinuteRetentionMs, "the 1-minute data (60 days)"}},
    {300, {31, metadata::kUsageMinuteRetentionMs, "the 5-minute data (60 days)"}},
    {3600, {31, metadata::kUsageHourRetentionMs, "the hourly data (180 days)"}},
    {86'400, {90, metadata::kUsageDayRetentionMs, "the daily data (366 days)"}},
}};

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) items.push_back(item);
    start = comma + 1;
  }
  return items;
}

// StartTime and EndTime with their defaults: the 24 hours before now, or before EndTime; EndTime
// now.
Params WithDefaultTimes(const ActionContext& context, const Params& params) {
  ParamMap values = params.values();
  int64_t now = context.now_ms - context.now_ms % 1000;
  auto given = [&](const char* name) { return !params.Get(name).value_or("").empty(); };
  if (!given("EndTime")) values["EndTime"] = FormatIsoUtc(now);
  if (!given("StartTime")) {
    auto end = ParseIsoUtc(values["EndTime"]);
    values["StartTime"] = FormatIsoUtc((end ? *end : now) - kDayMs);
  }
  return Params(std::move(values));
}

// The range and its Interval: as given when it is one of the four, else 300 for up to 31 days
// and 86400 beyond (liverec [U]: hourly, then daily, when StartTime is older than the finer data
// kept). The range must meet the Interval's rules.
Result<std::pair<TimeRange, const Granularity*>> ParseRangeAndInterval(const ActionContext& context,
                                                                       const Params& params) {
  Params timed = WithDefaultTimes(context, params);
  auto loose = ParseTimeRange(context, timed, kGranularities.back().rules);
  if (!loose) return Error(loose.error());
  std::string asked = params.Get("Interval").value_or("");
  const Granularity* chosen = nullptr;
  for (const auto& g : kGranularities) {
    if (asked == std::to_string(g.interval_s)) chosen = &g;
  }
  // From 300 for up to 31 days, else from 86400: the first whose data go back to StartTime.
  size_t first = loose->end_ms - loose->start_ms <= 31 * kDayMs ? 1 : kGranularities.size() - 1;
  for (size_t i = first; !chosen && i < kGranularities.size(); ++i) {
    if (loose->start_ms >= context.now_ms - kGranularities[i].rules.retention_ms) {
      chosen = &kGranularities[i];
    }
  }
  if (!chosen) chosen = &kGranularities.back();
  auto range = ParseTimeRange(context, timed, chosen->rules);
  if (!range) return Error(range.error());
  return std::pair{*range, chosen};
}

Status ParseSplitBy(const Params& params, metadata::UsageQuery& q) {
  std::string text = params.Get("SplitBy").value_or("domain,record_fmt");
  if (text == "null") return Status::Ok();
  for (const auto& item : SplitList(text)) {
    if (item == "domain") {
      q.split_domain = true;
    } else if (item == "record_fmt") {
      q.split_fmt = true;
    } else {
      return Status(ErrorCode::kInvalidParameter, "",
                    "SplitBy must be domain, record_fmt or both, comma-separated (or empty).");
    }
  }
  return Status::Ok();
}

Status ParseDomains(ActionContext& context, const Params& params, metadata::UsageQuery& q) {
  std::set<std::string> seen;
  for (const auto& domain : SplitList(params.Get("DomainName").value_or(""))) {
    if (!IsValidDomainName(domain)) return Status(ErrorCode::kInvalidDomainNameMalformed);
    if (seen.insert(domain).second) q.domains.push_back(domain);
  }
  if (q.domains.size() > kMaxDomains) {
    return Status(ErrorCode::kInvalidDomainNameMalformed, "",
                  "DomainName: at most " + std::to_string(kMaxDomains) + " domains.");
  }
  for (const auto& domain : q.domains) LIVEREC_RETURN_IF_ERROR(CheckDomainAccess(context, domain));
  return Status::Ok();
}

// The domains listed when split by domain: those asked for, else the caller's declared domains
// and any other that has usage.
Result<std::vector<std::string>> GroupDomains(ActionContext& context, const metadata::UsageQuery& q,
                                              const std::vector<metadata::UsagePoint>& points) {
  if (!q.split_domain) return std::vector<std::string>{""};
  if (!q.domains.empty()) return q.domains;
  auto declared = context.deps.tenants.ListDomainNames(q.account_id);
  if (!declared) return Error(declared.error());
  std::set<std::string> domains(declared->begin(), declared->end());
  for (const auto& p : points) domains.insert(p.domain_name);
  return std::vector<std::string>(domains.begin(), domains.end());
}

nlohmann::json DataModules(const metadata::UsageQuery& q,
                           const std::vector<metadata::UsagePoint>& points,
                           const std::vector<std::string>& domains, const std::string& region) {
  std::map<std::tuple<int64_t, std::string, std::string>, const metadata::UsagePoint*> by_key;
  for (const auto& p : points) by_key[{p.bucket_ms, p.domain_name, p.record_fmt}] = &p;
  std::vector<std::pair<std::string_view, std::string_view>> formats = {{"", ""}};
  if (q.split_fmt) formats.assign(kFormats.begin(), kFormats.end());
  nlohmann::json modules = nlohmann::json::array();
  for (int64_t t = q.start_ms; t < q.end_ms; t += q.interval_ms) {
    for (const auto& domain : domains) {
      for (const auto& [format, type] : formats) {
        auto it = by_key.find({t, domain, std::string(format)});
        int64_t duration_ms = it == by_key.end() ? 0 : it->second->duration_ms;
        nlohmann::json m = {{"TimeStamp", FormatIsoUtc(t)},
                            {"Count", it == by_key.end() ? 0 : it->second->peak},
                            {"Duration", (duration_ms + 500) / 1000}};
        if (q.split_domain) m["Domain"] = domain;
        if (q.split_fmt) m["Type"] = std::string(type);
        m["Region"] = region;
        modules.push_back(std::move(m));
      }
    }
  }
  return modules;
}

}  // namespace

Result<nlohmann::json> DescribeLiveDomainRecordUsageData(ActionContext& context,
                                                         const Params& params) {
  if (!context.deps.record_usage) {
    return Error(ErrorCode::kInternalError, "", "the recording usage is not configured");
  }
  std::string region = params.Get("Region").value_or("");
  if (region.empty()) region = kDefaultRegion;
  if (!IsLiveRegion(region)) return Error(ErrorCode::kInvalidRegionMalformed);
  metadata::UsageQuery q;
  q.account_id = context.caller.account_id;
  LIVEREC_RETURN_IF_ERROR(ParseDomains(context, params, q));
  auto parsed = ParseRangeAndInterval(context, params);
  if (!parsed) return Error(parsed.error());
  const auto& [range, granularity] = *parsed;
  LIVEREC_RETURN_IF_ERROR(ParseSplitBy(params, q));
  // Whole intervals, from the one StartTime falls in to the last that began before EndTime and
  // before now.
  q.interval_ms = granularity->interval_s * 1000;
  q.start_ms = range.start_ms - range.start_ms % q.interval_ms;
  int64_t last = std::min(range.end_ms, context.now_ms) - 1;
  q.end_ms = last < q.start_ms ? q.start_ms : last - last % q.interval_ms + q.interval_ms;
  auto points = context.deps.record_usage->Query(q);
  if (!points) return Error(points.error());
  auto domains = GroupDomains(context, q, *points);
  if (!domains) return Error(domains.error());
  return nlohmann::json{
      {"StartTime", FormatIsoUtc(range.start_ms)},
      {"EndTime", FormatIsoUtc(range.end_ms)},
      {"RecordUsageData", {{"DataModule", DataModules(q, *points, *domains, region)}}}};
}

}  // namespace liverec::api::actions
