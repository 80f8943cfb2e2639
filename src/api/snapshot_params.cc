#include "api/snapshot_params.h"

#include <fmt/format.h>

#include "api/notify_config_params.h"
#include "api/record_config_params.h"
#include "base/names.h"
#include "base/time_format.h"
#include "storage/object_key_template.h"

namespace liverec::api {
namespace {

constexpr int64_t kMaxTimeIntervalS = 3600;

// OverwriteOssObject / SequenceOssObject: sent and "-" (Update) removes it, sent empty leaves it
// as it was, else the template is checked.
Status ApplyObject(const Params& params, const char* name, storage::TemplateKind kind,
                   ErrorCode malformed, bool adding, const std::string& app, std::string& field) {
  auto value = params.Get(name);
  if (!value || value->empty()) return Status::Ok();
  if (*value == "-" && !adding) {
    field.clear();
    return Status::Ok();
  }
  if (auto problem = storage::CheckObjectTemplate(*value, kind, app, "", "")) {
    return Status(malformed, "", fmt::format("{}: {}.", name, *problem));
  }
  field = *value;
  return Status::Ok();
}

}  // namespace

Status RequireSnapshotDependencies(const ActionContext& context) {
  if (!context.deps.snapshots.configs || !context.deps.snapshots.snapshots) {
    return Status(ErrorCode::kInternalError, "", "snapshots are not available in this server");
  }
  return Status::Ok();
}

Result<metadata::SnapshotConfig> ParseSnapshotKey(ActionContext& context, const Params& params) {
  LIVEREC_RETURN_IF_ERROR(RequireSnapshotDependencies(context));
  auto domain = params.Required("DomainName");
  if (!domain) return Error(domain.error());
  if (!IsValidDomainName(*domain)) return Error(ErrorCode::kInvalidDomainNameMalformed);
  auto app = params.Required("AppName");
  if (!app) return Error(app.error());
  if (*app != "*" && !IsValidAppName(*app)) return Error(ErrorCode::kInvalidAppNameMalformed);
  LIVEREC_RETURN_IF_ERROR(CheckDomainAccess(context, *domain));
  metadata::SnapshotConfig config;
  config.account_id = context.caller.account_id;
  config.domain_name = *domain;
  config.app_name = *app;
  return config;
}

Status ApplySnapshotParams(ActionContext& context, const Params& params, bool adding,
                           metadata::SnapshotConfig& config) {
  auto interval = params.OptionalInt("TimeInterval", context.deps.snapshots.min_time_interval_s,
                                     kMaxTimeIntervalS, ErrorCode::kInvalidTimeIntervalMalformed);
  if (!interval) return interval.error();
  if (*interval) {
    config.time_interval_s = **interval;
  } else if (adding) {
    return Status(ErrorCode::kMissingArgument, "TimeInterval");
  }
  auto endpoint = params.Get("OssEndpoint");
  auto bucket = params.Get("OssBucket");
  if (adding || (endpoint && !endpoint->empty()) || (bucket && !bucket->empty())) {
    std::string new_endpoint = endpoint && !endpoint->empty() ? *endpoint : config.oss_endpoint;
    std::string new_bucket = bucket && !bucket->empty() ? *bucket : config.oss_bucket;
    if (new_endpoint.empty()) return Status(ErrorCode::kMissingArgument, "OssEndpoint");
    if (new_bucket.empty()) return Status(ErrorCode::kMissingArgument, "OssBucket");
    LIVEREC_RETURN_IF_ERROR(CheckBucketAccess(context, new_endpoint, new_bucket));
    config.oss_endpoint = new_endpoint;
    config.oss_bucket = new_bucket;
  }
  LIVEREC_RETURN_IF_ERROR(ApplyObject(params, "OverwriteOssObject",
                                      storage::TemplateKind::kSnapshotOverwrite,
                                      ErrorCode::kInvalidOverwriteOssObjectMalformed, adding,
                                      config.app_name, config.overwrite_oss_object));
  LIVEREC_RETURN_IF_ERROR(ApplyObject(params, "SequenceOssObject",
                                      storage::TemplateKind::kSnapshotSequence,
                                      ErrorCode::kInvalidSequenceOssObjectMalformed, adding,
                                      config.app_name, config.sequence_oss_object));
  if (config.overwrite_oss_object.empty() && config.sequence_oss_object.empty()) {
    // MissingOssObject: one of OverwriteOssObject and SequenceOssObject is needed.
    return Status(ErrorCode::kMissingArgument, "OssObject");
  }
  if (auto callback = params.Get("Callback")) {
    if (!callback->empty() && *callback != "-") {
      LIVEREC_RETURN_IF_ERROR(CheckCallbackUrlParam(context, *callback,
                                                    ErrorCode::kInvalidCallbackMalformed,
                                                    ErrorCode::kInvalidCallbackUnsafe));
    }
    if (adding || !callback->empty()) config.callback = *callback == "-" ? "" : *callback;
  }
  return Status::Ok();
}

nlohmann::json SnapshotConfigToJson(const metadata::SnapshotConfig& c) {
  return {{"DomainName", c.domain_name},
          {"AppName", c.app_name},
          {"TimeInterval", c.time_interval_s},
          {"OssEndpoint", c.oss_endpoint},
          {"OssBucket", c.oss_bucket},
          {"OverwriteOssObject", c.overwrite_oss_object},
          {"SequenceOssObject", c.sequence_oss_object},
          {"Callback", c.callback},
          {"CreateTime", FormatIsoUtc(c.created_at_ms)}};
}

}  // namespace liverec::api
