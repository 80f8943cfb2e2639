#include "api/record_index_params.h"

#include "api/record_config_params.h"
#include "base/names.h"
#include "base/percent_encoding.h"
#include "base/time_format.h"

namespace liverec::api {
namespace {

constexpr int64_t kDayMs = 24LL * 3600'000;

Result<int64_t> RequiredTime(const Params& params, const char* name, ErrorCode malformed) {
  auto text = params.Required(name);
  if (!text) return Error(text.error());
  auto when = ParseIsoUtc(*text);
  if (!when)
    return Error(malformed, "", std::string(name) + " must be yyyy-MM-ddTHH:mm:ssZ (UTC).");
  return *when;
}

}  // namespace

Status RequireIndexDependencies(const ActionContext& context) {
  if (!context.deps.recordings || !context.deps.index_files || !context.deps.stores) {
    return Status(ErrorCode::kInternalError, "", "index-file services are not configured");
  }
  return Status::Ok();
}

Result<metadata::StreamRow> FindRecordedStream(ActionContext& context, const Params& params) {
  LIVEREC_RETURN_IF_ERROR(RequireIndexDependencies(context));
  auto domain = params.Required("DomainName");
  if (!domain) return Error(domain.error());
  auto app = params.Required("AppName");
  if (!app) return Error(app.error());
  auto stream = params.Required("StreamName");
  if (!stream) return Error(stream.error());
  if (!IsValidDomainName(*domain)) return Error(ErrorCode::kInvalidDomainNameMalformed);
  LIVEREC_RETURN_IF_ERROR(CheckDomainAccess(context, *domain));
  auto row = context.deps.recordings->FindStream(context.caller.account_id, *domain, *app, *stream);
  if (!row) return Error(row.error());
  if (!*row) return Error(ErrorCode::kInvalidStreamNotFound);
  return **row;
}

Result<TimeRange> ParseTimeRange(const ActionContext& context, const Params& params,
                                 const TimeRangeRules& rules) {
  auto start = RequiredTime(params, "StartTime", ErrorCode::kInvalidStartTimeMalformed);
  if (!start) return Error(start.error());
  auto end = RequiredTime(params, "EndTime", ErrorCode::kInvalidEndTimeMalformed);
  if (!end) return Error(end.error());
  if (*end < *start || (*end == *start && !rules.end_second_inclusive)) {
    return Error(ErrorCode::kInvalidEndTimeMismatch, "", "EndTime must be after StartTime.");
  }
  if (*end - *start > rules.max_span_days * kDayMs) {
    return Error(ErrorCode::kInvalidEndTimeMismatch, "",
                 "The range may be at most " + std::to_string(rules.max_span_days) + " days.");
  }
  if (*start < context.now_ms - rules.retention_ms) {
    return Error(ErrorCode::kInvalidStartTimeMismatch, "",
                 "StartTime is older than " + std::string(rules.kept) + ".");
  }
  return TimeRange{*start, *end};
}

TimeRangeRules SliceRangeRules(const ActionContext& context) {
  return {4, context.deps.index.slice_retention_ms, "the slice retention"};
}

std::string ObjectUrl(const ActionContext& context, const std::string& endpoint,
                      const std::string& bucket, const std::string& key) {
  const auto& bucket_urls = context.deps.index.bucket_urls;
  auto base = bucket_urls.find({endpoint, bucket});
  std::string url = base != bucket_urls.end()
                        ? base->second
                        : context.deps.index.public_url + "/" + PopEncode(bucket);
  size_t start = 0;
  while (start <= key.size()) {
    auto slash = key.find('/', start);
    url += "/" + PopEncode(key.substr(
                     start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return url;
}

std::string RecordUrl(const ActionContext& context, const std::string& endpoint,
                      const std::string& bucket, const std::string& key) {
  const auto& sign = context.deps.index.record_url;
  return sign ? sign(endpoint, bucket, key) : ObjectUrl(context, endpoint, bucket, key);
}

nlohmann::json IndexFileToJson(const ActionContext& context, const metadata::StreamRow& stream,
                               const metadata::IndexFileRow& file, bool with_format) {
  nlohmann::json json = {
      {"RecordId", file.id},
      {"RecordUrl", RecordUrl(context, file.endpoint, file.bucket, file.object_key)},
      {"DomainName", stream.domain_name},
      {"AppName", stream.app_name},
      {"StreamName", stream.stream_name},
      {"OssEndpoint", file.endpoint},
      {"OssBucket", file.bucket},
      {"OssObject", file.object_key},
      {"StartTime", FormatIsoUtc(file.start_ms)},
      {"EndTime", FormatIsoUtc(file.end_ms)},
      {"Duration", static_cast<double>(file.duration_ms) / 1000.0},
      {"Width", file.width},
      {"Height", file.height},
      {"CreateTime", FormatIsoUtc(file.created_at_ms)}};
  if (with_format) json["Format"] = file.format;
  return json;
}

}  // namespace liverec::api
