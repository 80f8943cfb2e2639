#include "api/record_config_params.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "base/names.h"
#include "base/time_format.h"
#include "storage/object_key_template.h"

namespace liverec::api {
namespace {

using metadata::RecordFormat;

constexpr int64_t kDayMs = 24 * 3600'000LL;
constexpr char kDefaultRecordPrefix[] =
    "record/{AppName}/{StreamName}/{EscapedStartTime}_{EscapedEndTime}";
constexpr char kDefaultSlicePrefix[] = "record/{AppName}/{StreamName}/{UnixTimestamp}_{Sequence}";

bool IsName(const std::string& name, bool allow_empty) {
  if (name.empty()) return allow_empty;
  return name == "*" || IsValidAppName(name);
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

Result<RecordFormat> ParseFormat(const Params& params, const std::string& base,
                                 const metadata::RecordConfigKey& key,
                                 const std::vector<RecordFormat>* previous,
                                 const RecordLimits& limits) {
  RecordFormat format;
  auto name = params.Get(base + ".Format");
  if (!name || name->empty()) {
    return Error(ErrorCode::kInvalidFormatMalformed, "", base + ".Format is required.");
  }
  format.format = Lower(*name);
  if (format.format == "cmaf") {
    return Error(ErrorCode::kInvalidFormatMalformed, "",
                 base + ".Format: cmaf is not supported; use m3u8, mp4 or flv.");
  }
  if (format.format != "m3u8" && format.format != "mp4" && format.format != "flv") {
    return Error(ErrorCode::kInvalidFormatMalformed, "",
                 base + ".Format must be m3u8, mp4 or flv.");
  }
  bool is_m3u8 = format.format == "m3u8";

  const RecordFormat* before = nullptr;
  if (previous) {
    for (const auto& p : *previous) {
      if (p.format == format.format) before = &p;
    }
  }
  auto prefix = params.Get(base + ".OssObjectPrefix");
  format.oss_object_prefix = prefix && !prefix->empty() ? *prefix
                             : before                   ? before->oss_object_prefix
                                                        : kDefaultRecordPrefix;
  std::string extension = "." + format.format;
  if (auto problem =
          storage::CheckObjectTemplate(format.oss_object_prefix, storage::TemplateKind::kRecord,
                                       key.app_name, key.stream_name, extension)) {
    return Error(ErrorCode::kInvalidOssObjectPrefixMalformed, "",
                 fmt::format("{}.OssObjectPrefix: {}.", base, *problem));
  }

  auto slice = params.Get(base + ".SliceOssObjectPrefix");
  if (!is_m3u8 && slice && !slice->empty()) {
    return Error(ErrorCode::kInvalidSliceOssObjectPrefixMalformed, "",
                 base + ".SliceOssObjectPrefix applies to m3u8 only.");
  }
  if (is_m3u8) {
    format.slice_oss_object_prefix = slice && !slice->empty() ? *slice
                                     : before                 ? before->slice_oss_object_prefix
                                                              : kDefaultSlicePrefix;
    if (auto problem = storage::CheckObjectTemplate(format.slice_oss_object_prefix,
                                                    storage::TemplateKind::kSlice, key.app_name,
                                                    key.stream_name, ".ts")) {
      return Error(ErrorCode::kInvalidSliceOssObjectPrefixMalformed, "",
                   fmt::format("{}.SliceOssObjectPrefix: {}.", base, *problem));
    }
  }

  auto cycle = params.OptionalInt(base + ".CycleDuration", limits.min_cycle_duration_s, 21600,
                                  ErrorCode::kInvalidCycleDurationMalformed);
  if (!cycle) return Error(cycle.error());
  format.cycle_duration_s = static_cast<int>(cycle->value_or(is_m3u8 ? 21600 : 3600));
  auto slice_duration = params.OptionalInt(base + ".SliceDuration", limits.min_slice_duration_s, 30,
                                           ErrorCode::kInvalidSliceDurationMalformed);
  if (!slice_duration) return Error(slice_duration.error());
  format.slice_duration_s = static_cast<int>(slice_duration->value_or(30));
  return format;
}

Result<int64_t> ParseTime(const Params& params, const char* name, ErrorCode malformed) {
  auto text = params.Get(name);
  auto when = ParseIsoUtc(text.value_or(""));
  if (!when) {
    return Error(malformed, "", fmt::format("{} must be yyyy-MM-ddTHH:mm:ssZ (UTC).", name));
  }
  return *when;
}

}  // namespace

Status CheckDomainAccess(ActionContext& context, const std::string& domain) {
  auto owner = context.deps.tenants.FindDomainOwner(domain);
  if (!owner) return owner.error();
  if (*owner) {
    return **owner == context.caller.account_id ? Status::Ok()
                                                : Status(ErrorCode::kInvalidDomainNotFound);
  }
  auto declared = context.deps.tenants.CountDomains(context.caller.account_id);
  if (!declared) return declared.error();
  return *declared == 0 ? Status::Ok() : Status(ErrorCode::kInvalidDomainNotFound);
}

Result<metadata::RecordConfigKey> ParseConfigKey(ActionContext& context, const Params& params) {
  auto domain = params.Required("DomainName");
  if (!domain) return Error(domain.error());
  if (!IsValidDomainName(*domain)) return Error(ErrorCode::kInvalidDomainNameMalformed);
  auto app = params.Required("AppName");
  if (!app) return Error(app.error());
  if (!IsName(*app, false)) return Error(ErrorCode::kInvalidAppNameMalformed);
  std::string stream = params.Get("StreamName").value_or("");
  if (!IsName(stream, true)) return Error(ErrorCode::kInvalidStreamNameMalformed);
  LIVEREC_RETURN_IF_ERROR(CheckDomainAccess(context, *domain));
  return metadata::RecordConfigKey{context.caller.account_id, *domain, *app, stream};
}

Status CheckBucketAccess(ActionContext& context, const std::string& endpoint,
                         const std::string& bucket) {
  if (!IsValidEndpoint(endpoint)) return Status(ErrorCode::kInvalidOssEndpointMalformed);
  if (!IsValidBucketName(bucket)) return Status(ErrorCode::kInvalidOssBucketMalformed);
  auto found = context.deps.tenants.FindBucket(endpoint, bucket);
  if (!found) return found.error();
  if (!*found) return Status(ErrorCode::kInvalidOssBucketNotFound);
  if ((*found)->account_id != context.caller.account_id) {
    return Status(ErrorCode::kInvalidBucketNotFound);
  }
  return Status::Ok();
}

Result<std::vector<RecordFormat>> ParseFormats(ActionContext& context, const Params& params,
                                               const std::string& prefix,
                                               const metadata::RecordConfigKey& key,
                                               const std::vector<RecordFormat>* previous) {
  std::vector<RecordFormat> formats;
  std::set<std::string> seen;
  for (int index : params.ListIndices(prefix)) {
    std::string base = fmt::format("{}.{}", prefix, index);
    auto format = ParseFormat(params, base, key, previous, context.deps.limits);
    if (!format) return Error(format.error());
    if (!seen.insert(format->format).second) {
      return Error(ErrorCode::kInvalidFormatMalformed, "",
                   fmt::format("{}.Format: {} is given twice.", base, format->format));
    }
    formats.push_back(std::move(*format));
  }
  return formats;
}

Result<std::vector<std::string>> ParseTranscodeTemplates(const Params& params) {
  std::vector<std::string> templates;
  for (int index : params.ListIndices("TranscodeTemplates")) {
    std::string value = params.Get(fmt::format("TranscodeTemplates.{}", index)).value_or("");
    bool ok = !value.empty() && value.size() <= 64 &&
              std::all_of(value.begin(), value.end(),
                          [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
    if (!ok) {
      return Error(
          ErrorCode::kInvalidTranscodeTemplatesMalformed, "",
          fmt::format("TranscodeTemplates.{} must be 1-64 letters, digits, - or _.", index));
    }
    templates.push_back(std::move(value));
  }
  return templates;
}

Status ApplyModeAndWindow(ActionContext& context, const Params& params,
                          metadata::RecordConfig& config) {
  auto on_demand = params.OptionalInt("OnDemand", 0, 7, ErrorCode::kInvalidOnDemandMalformed);
  if (!on_demand) return on_demand.error();
  if (*on_demand) {
    int64_t mode = **on_demand;
    if (mode != 0 && mode != 1 && mode != 2 && mode != 7) {
      return Status(ErrorCode::kInvalidOnDemandMalformed, "",
                    "OnDemand must be 0 (automatic), 1 (on-demand callback), 2 (ingest URL "
                    "parameter record_config) or 7 (manual).");
    }
    config.on_demand = static_cast<int>(mode);
  }
  auto delay = params.OptionalInt("DelayTime", context.deps.limits.min_delay_time_s, 21600,
                                  ErrorCode::kInvalidDelayTimeMalformed);
  if (!delay) return delay.error();
  if (*delay) config.delay_time_s = static_cast<int>(**delay);

  bool has_start = !params.Get("StartTime").value_or("").empty();
  bool has_end = !params.Get("EndTime").value_or("").empty();
  if (!has_start && !has_end) return Status::Ok();
  if (config.stream_name.empty() || config.stream_name == "*") {
    return Status(ErrorCode::kInvalidStartTimeMalformed, "",
                  "StartTime and EndTime apply to stream-level configs (a concrete StreamName).");
  }
  if (!has_start) return Status(ErrorCode::kMissingArgument, "StartTime");
  if (!has_end) return Status(ErrorCode::kMissingArgument, "EndTime");
  auto start = ParseTime(params, "StartTime", ErrorCode::kInvalidStartTimeMalformed);
  if (!start) return start.error();
  auto end = ParseTime(params, "EndTime", ErrorCode::kInvalidEndTimeMalformed);
  if (!end) return end.error();
  if (*start > context.now_ms + 7 * kDayMs) {
    return Status(ErrorCode::kInvalidStartTimeMalformed, "",
                  "StartTime may be at most 7 days ahead.");
  }
  if (*end <= *start) return Status(ErrorCode::kInvalidEndTimeMismatch);
  if (*end <= context.now_ms) {
    return Status(ErrorCode::kInvalidEndTimeMalformed, "", "EndTime has already passed.");
  }
  config.start_time_ms = *start;
  config.end_time_ms = std::min(*end, *start + 7 * kDayMs);
  return Status::Ok();
}

}  // namespace liverec::api
