// UpdateLiveAppRecordConfig: changes an existing recording config
// (docs/api/record-configs.md for what is replaced and what is kept).
#include "api/actions/actions.h"
#include "api/record_config_params.h"

namespace liverec::api::actions {

Result<nlohmann::json> UpdateLiveAppRecordConfig(ActionContext& context, const Params& params) {
  auto key = ParseConfigKey(context, params);
  if (!key) return Error(key.error());
  auto endpoint = params.Required("OssEndpoint");
  if (!endpoint) return Error(endpoint.error());
  auto found = context.deps.record_configs.Find(*key);
  if (!found) return Error(found.error());
  if (!*found) return Error(ErrorCode::kInvalidConfigNotFound);
  metadata::RecordConfig config = std::move(**found);

  std::string bucket = params.Get("OssBucket").value_or("");
  if (bucket.empty()) bucket = config.oss_bucket;
  LIVEREC_RETURN_IF_ERROR(CheckBucketAccess(context, *endpoint, bucket));
  config.oss_endpoint = *endpoint;
  config.oss_bucket = bucket;

  if (!params.ListIndices("RecordFormat").empty()) {
    auto formats = ParseFormats(context, params, "RecordFormat", *key, &config.formats);
    if (!formats) return Error(formats.error());
    config.formats = std::move(*formats);
  }
  if (!params.ListIndices("TranscodeRecordFormat").empty()) {
    auto formats =
        ParseFormats(context, params, "TranscodeRecordFormat", *key, &config.transcode_formats);
    if (!formats) return Error(formats.error());
    config.transcode_formats = std::move(*formats);
  }
  if (!params.ListIndices("TranscodeTemplates").empty()) {
    auto templates = ParseTranscodeTemplates(params);
    if (!templates) return Error(templates.error());
    config.transcode_templates = std::move(*templates);
  }
  LIVEREC_RETURN_IF_ERROR(ApplyModeAndWindow(context, params, config));
  config.updated_at_ms = context.now_ms;
  LIVEREC_RETURN_IF_ERROR(context.deps.record_configs.Update(config));
  return nlohmann::json::object();
}

}  // namespace liverec::api::actions
