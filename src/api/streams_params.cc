#include "api/streams_params.h"

#include <algorithm>

#include "api/notify_config_params.h"
#include "api/record_config_params.h"
#include "base/names.h"

namespace liverec::api {
namespace {

// An optional URL parameter: "" when not sent or empty, else checked.
Result<std::string> OptionalUrl(ActionContext& context, const Params& params, const char* name,
                                ErrorCode malformed, ErrorCode unsafe) {
  std::string url = params.Get(name).value_or("");
  if (!url.empty()) {
    LIVEREC_RETURN_IF_ERROR(CheckCallbackUrlParam(context, url, malformed, unsafe));
  }
  return url;
}

Result<bool> ParseYesNo(const Params& params, const char* name) {
  std::string value = params.Get(name).value_or("");
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (value.empty() || value == "no") return false;
  if (value == "yes") return true;
  return Error(ErrorCode::kInvalidParameter, name, "Use yes or no.");
}

bool IsStreamsAuthKey(const std::string& key) {
  return key.size() >= 16 && key.size() <= 64 &&
         std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isalnum(c); });
}

}  // namespace

Status RequireStreamsNotifyDependencies(const ActionContext& context) {
  if (!context.deps.streams.notify_configs) {
    return Status(ErrorCode::kInternalError, "", "stream callback services are not configured");
  }
  return Status::Ok();
}

Status CheckIngestDomainAccess(ActionContext& context, const std::string& domain) {
  auto owner = context.deps.tenants.FindDomainOwner(domain);
  if (!owner) return owner.error();
  if (!*owner) {
    owner = context.deps.tenants.FindAliasOwner(domain);
    if (!owner) return owner.error();
  }
  if (*owner) {
    return **owner == context.caller.account_id ? Status::Ok()
                                                : Status(ErrorCode::kInvalidDomainNotFound);
  }
  return CheckDomainAccess(context, domain);  // declared by nobody: the usual rule
}

Result<std::string> ParseStreamsNotifyDomain(ActionContext& context, const Params& params) {
  LIVEREC_RETURN_IF_ERROR(RequireStreamsNotifyDependencies(context));
  auto domain = params.Required("DomainName");
  if (!domain) return Error(domain.error());
  if (!IsValidDomainName(*domain)) return Error(ErrorCode::kInvalidDomainNameMalformed);
  LIVEREC_RETURN_IF_ERROR(CheckIngestDomainAccess(context, *domain));
  return *domain;
}

Result<metadata::StreamsNotifyConfig> ParseStreamsNotifyConfig(ActionContext& context,
                                                               const Params& params,
                                                               const std::string& domain) {
  metadata::StreamsNotifyConfig config;
  config.account_id = context.caller.account_id;
  config.domain_name = domain;
  auto notify_url = params.Required("NotifyUrl");
  if (!notify_url) return Error(notify_url.error());
  LIVEREC_RETURN_IF_ERROR(CheckCallbackUrlParam(context, *notify_url,
                                                ErrorCode::kInvalidNotifyUrlMalformed,
                                                ErrorCode::kInvalidNotifyUrlUnsafe));
  config.notify_url = *notify_url;
  auto exception_url = OptionalUrl(context, params, "ExceptionNotifyUrl",
                                   ErrorCode::kInvalidExceptionNotifyUrlMalformed,
                                   ErrorCode::kInvalidExceptionNotifyUrlUnsafe);
  if (!exception_url) return Error(exception_url.error());
  config.exception_notify_url = *exception_url;
  auto switch_url =
      OptionalUrl(context, params, "SwitchNotifyUrl", ErrorCode::kInvalidSwitchNotifyUrlMalformed,
                  ErrorCode::kInvalidSwitchNotifyUrlUnsafe);
  if (!switch_url) return Error(switch_url.error());
  config.switch_notify_url = *switch_url;
  auto auth = ParseYesNo(params, "NotifyReqAuth");
  if (!auth) return Error(auth.error());
  config.notify_req_auth = *auth;
  config.notify_auth_key = params.Get("NotifyAuthKey").value_or("");
  if (!config.notify_auth_key.empty() && !IsStreamsAuthKey(config.notify_auth_key)) {
    return Error(ErrorCode::kInvalidStreamsNotifyAuthKeyMalformed);
  }
  if (config.notify_req_auth && config.notify_auth_key.empty()) {
    return Error(ErrorCode::kMissingArgument, "NotifyAuthKey",
                 "NotifyAuthKey is required when NotifyReqAuth is yes.");
  }
  config.created_at_ms = config.updated_at_ms = context.now_ms;
  return config;
}

nlohmann::json StreamsNotifyConfigToJson(const metadata::StreamsNotifyConfig& c) {
  return {{"DomainName", c.domain_name},
          {"NotifyUrl", c.notify_url},
          {"NotifyReqAuth", c.notify_req_auth ? "yes" : "no"},
          {"NotifyAuthKey", c.notify_auth_key},
          {"ExceptionNotifyUrl", c.exception_notify_url},
          {"SwitchNotifyUrl", c.switch_notify_url}};
}

}  // namespace liverec::api
