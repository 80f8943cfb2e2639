// AddLiveAppRecordConfig: creates a recording config (docs/api/record-configs.md).
#include "api/actions/actions.h"
#include "api/record_config_params.h"
#include "base/ids.h"

namespace liverec::api::actions {

Result<nlohmann::json> AddLiveAppRecordConfig(ActionContext& context, const Params& params) {
  auto key = ParseConfigKey(context, params);
  if (!key) return Error(key.error());
  auto endpoint = params.Required("OssEndpoint");
  if (!endpoint) return Error(endpoint.error());
  auto bucket = params.Required("OssBucket");
  if (!bucket) return Error(bucket.error());
  LIVEREC_RETURN_IF_ERROR(CheckBucketAccess(context, *endpoint, *bucket));

  metadata::RecordConfig config;
  config.account_id = key->account_id;
  config.domain_name = key->domain_name;
  config.app_name = key->app_name;
  config.stream_name = key->stream_name;
  config.oss_endpoint = *endpoint;
  config.oss_bucket = *bucket;

  auto formats = ParseFormats(context, params, "RecordFormat", *key, nullptr);
  if (!formats) return Error(formats.error());
  auto transcode_formats = ParseFormats(context, params, "TranscodeRecordFormat", *key, nullptr);
  if (!transcode_formats) return Error(transcode_formats.error());
  if (formats->empty() && transcode_formats->empty()) {
    return Error(ErrorCode::kMissingArgument, "RecordFormat");
  }
  config.formats = std::move(*formats);
  config.transcode_formats = std::move(*transcode_formats);
  auto templates = ParseTranscodeTemplates(params);
  if (!templates) return Error(templates.error());
  config.transcode_templates = std::move(*templates);
  LIVEREC_RETURN_IF_ERROR(ApplyModeAndWindow(context, params, config));

  config.id = NewId(context.deps.clock, context.deps.random);
  config.created_at_ms = config.updated_at_ms = context.now_ms;
  LIVEREC_RETURN_IF_ERROR(context.deps.record_configs.Insert(config));
  return nlohmann::json::object();
}

}  // namespace liverec::api::actions
