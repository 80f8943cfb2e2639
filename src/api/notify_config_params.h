// Parameter handling shared by the recording-callback actions
// (docs/api/notify-configs.md): the domain, the callback URLs and their safety, the flags and the
// signing key, and the JSON of a config. Each function returns the API error the docs name.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "api/action_context.h"
#include "api/params.h"

namespace liverec::api {

// The notify-config actions need their repositories; InternalError if the server lacks them.
Status RequireNotifyDependencies(const ActionContext& context);

// A callback URL parameter: `malformed` or `unsafe` (private or loopback host while the server
// config does not allow them) with the reason, else Ok.
Status CheckCallbackUrlParam(ActionContext& context, const std::string& url, ErrorCode malformed,
                             ErrorCode unsafe);

// DomainName (required), well-formed and usable by the caller.
Result<std::string> ParseNotifyDomain(ActionContext& context, const Params& params);

// Applies NotifyUrl (required), OnDemandUrl, NeedStatusNotify, NotifyReqAuth and NotifyAuthKey
// to `config`. Optional parameters that are not sent keep `config`'s values; OnDemandUrl sent
// empty clears it. With NotifyReqAuth true a key is required.
Status ApplyNotifyParams(ActionContext& context, const Params& params,
                         metadata::NotifyConfig& config);

// The LiveRecordNotifyConfig object of DescribeLiveRecordNotifyConfig.
nlohmann::json NotifyConfigToJson(const metadata::NotifyConfig& config);

}  // namespace liverec::api
