// Parameter handling of the stream callback and live-list actions
// (docs/api/streams.md): the ingest domain and who may use it, the streams notify config's fields
// and their checks, and the JSON of a config. Each function returns the API error the docs name.
// Thread-safety: per request, like the actions.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "api/action_context.h"
#include "api/params.h"

namespace liverec::api {

// The streams notify-config actions need their repository; InternalError if the server lacks it.
Status RequireStreamsNotifyDependencies(const ActionContext& context);

// May the caller use `domain`, a streaming domain or an ingest alias? Yes when it declared it
// (as a domain or an alias of one), or when nobody did and the caller declares no domains;
// otherwise InvalidDomain.NotFound.
Status CheckIngestDomainAccess(ActionContext& context, const std::string& domain);

// DomainName (required): well-formed and usable by the caller.
Result<std::string> ParseStreamsNotifyDomain(ActionContext& context, const Params& params);

// The whole config of SetLiveStreamsNotifyUrlConfig from its parameters (what is not sent takes
// its default: Set replaces the stored config). NotifyUrl is required; NotifyReqAuth is yes/no
// (any case, default no); NotifyAuthKey is 16-64 letters and digits, required with yes; the
// three URLs pass the same checks as the recording NotifyUrl.
Result<metadata::StreamsNotifyConfig> ParseStreamsNotifyConfig(ActionContext& context,
                                                               const Params& params,
                                                               const std::string& domain);

// The LiveStreamsNotifyConfig object of DescribeLiveStreamsNotifyUrlConfig.
nlohmann::json StreamsNotifyConfigToJson(const metadata::StreamsNotifyConfig& config);

}  // namespace liverec::api
