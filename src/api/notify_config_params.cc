#include "api/notify_config_params.h"

#include <algorithm>

#include "api/record_config_params.h"
#include "base/names.h"

namespace liverec::api {
namespace {

// "true"/"false", also "yes"/"no" (older doc pages) and "1"/"0"; any case.
Status ApplyBool(const Params& params, const char* name, bool& out) {
  auto value = params.Get(name);
  if (!value || value->empty()) return Status::Ok();
  std::string v = *value;
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (v == "true" || v == "yes" || v == "1") {
    out = true;
  } else if (v == "false" || v == "no" || v == "0") {
    out = false;
  } else {
    return Status(ErrorCode::kInvalidParameter, name, "Use true or false.");
  }
  return Status::Ok();
}

bool IsAuthKey(const std::string& key) {
  return key.size() >= 16 && key.size() <= 32 &&
         std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isalnum(c); });
}

}  // namespace

Status CheckCallbackUrlParam(ActionContext& context, const std::string& url, ErrorCode malformed,
                             ErrorCode unsafe) {
  const NotifyOptions& options = context.deps.notify;
  callbacks::UrlCheck check =
      callbacks::CheckCallbackUrl(url, options.allow_private_addresses, options.resolve);
  switch (check.verdict) {
    case callbacks::UrlVerdict::kOk:
      return Status::Ok();
    case callbacks::UrlVerdict::kMalformed:
      return Status(malformed, "", check.detail + ".");
    case callbacks::UrlVerdict::kUnsafe:
      return Status(unsafe, "", check.detail + ".");
  }
  return Status(malformed);
}

Status RequireNotifyDependencies(const ActionContext& context) {
  if (!context.deps.notify_configs || !context.deps.callback_outbox) {
    return Status(ErrorCode::kInternalError, "", "callback services are not configured");
  }
  return Status::Ok();
}

Result<std::string> ParseNotifyDomain(ActionContext& context, const Params& params) {
  LIVEREC_RETURN_IF_ERROR(RequireNotifyDependencies(context));
  auto domain = params.Required("DomainName");
  if (!domain) return Error(domain.error());
  if (!IsValidDomainName(*domain)) return Error(ErrorCode::kInvalidDomainNameMalformed);
  LIVEREC_RETURN_IF_ERROR(CheckDomainAccess(context, *domain));
  return *domain;
}

Status ApplyNotifyParams(ActionContext& context, const Params& params,
                         metadata::NotifyConfig& config) {
  auto notify_url = params.Required("NotifyUrl");
  if (!notify_url) return notify_url.error();
  LIVEREC_RETURN_IF_ERROR(CheckCallbackUrlParam(context, *notify_url,
                                                ErrorCode::kInvalidNotifyUrlMalformed,
                                                ErrorCode::kInvalidNotifyUrlUnsafe));
  config.notify_url = *notify_url;
  if (auto on_demand = params.Get("OnDemandUrl")) {
    if (!on_demand->empty()) {
      LIVEREC_RETURN_IF_ERROR(CheckCallbackUrlParam(context, *on_demand,
                                                    ErrorCode::kInvalidOnDemandUrlMalformed,
                                                    ErrorCode::kInvalidOnDemandUrlUnsafe));
    }
    config.on_demand_url = *on_demand;
  }
  LIVEREC_RETURN_IF_ERROR(ApplyBool(params, "NeedStatusNotify", config.need_status_notify));
  LIVEREC_RETURN_IF_ERROR(ApplyBool(params, "NotifyReqAuth", config.notify_req_auth));
  if (auto key = params.Get("NotifyAuthKey"); key && !key->empty()) {
    if (!IsAuthKey(*key)) return Status(ErrorCode::kInvalidNotifyAuthKeyMalformed);
    config.notify_auth_key = *key;
  }
  if (config.notify_req_auth && config.notify_auth_key.empty()) {
    return Status(ErrorCode::kMissingArgument, "NotifyAuthKey",
                  "NotifyAuthKey is required when NotifyReqAuth is true.");
  }
  return Status::Ok();
}

nlohmann::json NotifyConfigToJson(const metadata::NotifyConfig& c) {
  return {{"DomainName", c.domain_name},        {"NotifyUrl", c.notify_url},
          {"OnDemandUrl", c.on_demand_url},     {"NeedStatusNotify", c.need_status_notify},
          {"NotifyReqAuth", c.notify_req_auth}, {"NotifyAuthKey", c.notify_auth_key}};
}

}  // namespace liverec::api
