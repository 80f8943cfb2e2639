// Parameter handling shared by the snapshot actions (docs/api/snapshots.md): the config's key,
// its fields with their rules, and the JSON of a config. Each function returns the API error the
// docs name.
#pragma once

#include <nlohmann/json.hpp>

#include "api/action_context.h"
#include "api/params.h"

namespace liverec::api {

// The snapshot actions need their repositories; InternalError if the server lacks them.
Status RequireSnapshotDependencies(const ActionContext& context);

// DomainName and AppName ("*" allowed), both required and well-formed, the domain the caller's.
Result<metadata::SnapshotConfig> ParseSnapshotKey(ActionContext& context, const Params& params);

// Applies TimeInterval, OssEndpoint, OssBucket, OverwriteOssObject, SequenceOssObject and
// Callback to `config`. `adding`: TimeInterval, OssEndpoint and OssBucket are required; else
// (Update) what is not sent is kept, and "-" removes OverwriteOssObject or SequenceOssObject.
// Either way at least one of the two objects must remain (MissingOssObject otherwise).
Status ApplySnapshotParams(ActionContext& context, const Params& params, bool adding,
                           metadata::SnapshotConfig& config);

nlohmann::json SnapshotConfigToJson(const metadata::SnapshotConfig& config);

}  // namespace liverec::api
