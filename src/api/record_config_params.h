// Parameter parsing and validation shared by the record-config actions
// (docs/api/record-configs.md): names, domain and bucket ownership, formats, templates, mode,
// delay and time window. Each function returns the API error the docs name.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/action_context.h"
#include "api/params.h"
#include "metadata/record_config_repository.h"

namespace liverec::api {

// DomainName, AppName, StreamName of the request, validated; the domain must be usable by the
// caller's account.
Result<metadata::RecordConfigKey> ParseConfigKey(ActionContext& context, const Params& params);

// Checks that `domain` may be used by the caller: InvalidDomain.NotFound otherwise.
Status CheckDomainAccess(ActionContext& context, const std::string& domain);

// OssEndpoint and OssBucket: well-formed, declared, and the caller's.
Status CheckBucketAccess(ActionContext& context, const std::string& endpoint,
                         const std::string& bucket);

// "RecordFormat" or "TranscodeRecordFormat" list. `previous` (Update) supplies object-name
// templates for formats that do not name them. Empty when the list was not sent.
Result<std::vector<metadata::RecordFormat>> ParseFormats(
    ActionContext& context, const Params& params, const std::string& prefix,
    const metadata::RecordConfigKey& key, const std::vector<metadata::RecordFormat>* previous);

Result<std::vector<std::string>> ParseTranscodeTemplates(const Params& params);

// Applies OnDemand, DelayTime, StartTime/EndTime when sent (keeping `config`'s values otherwise).
Status ApplyModeAndWindow(ActionContext& context, const Params& params,
                          metadata::RecordConfig& config);

}  // namespace liverec::api
