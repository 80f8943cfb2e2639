// Parameter handling shared by the pull-to-push actions (docs/api/relay.md): Region,
// TaskId, times, source URLs in both encodings, the URL policy, finding a task as the caller
// sees it, changing it safely against concurrent writers, and the JSON of a task. Each function
// returns the API error the docs name. Thread-safety: per-request values; the repository
// serializes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/action_context.h"
#include "api/params.h"
#include "relay/relay_task.h"

namespace liverec::api {

inline constexpr size_t kMaxRelaySourceUrls = 30;

// The relay actions need the task repository; InternalError if the server lacks it.
Status RequireRelayDependencies(const ActionContext& context);

// Region (required): one of the cloud's five live centres (docs/api/relay.md).
Result<std::string> ParseRelayRegion(const Params& params);
// Whether `region` is one of those five.
bool IsLiveRegion(std::string_view region);

// TaskId (required): at most 64 characters of [A-Za-z0-9_-].
Result<std::string> ParseTaskId(const Params& params);

// A UTC time parameter: nullopt when absent; `malformed` when not yyyy-MM-ddTHH:mm:ssZ.
Result<std::optional<int64_t>> ParseOptionalTime(const Params& params, const char* name,
                                                 ErrorCode malformed);

// SourceUrls as a JSON array of strings ("[\"rtmp://…\"]", what the V3 SDKs send) or as
// SourceUrls.1, SourceUrls.2, … (flattened); nullopt when neither was sent.
Result<std::optional<std::vector<std::string>>> ParseSourceUrls(const Params& params);

// The count rule (live: exactly one; url: 1..30) and each URL against the server's policy.
Status CheckSourceUrls(const ActionContext& context, const std::string& source_type,
                       const std::string& source_protocol, const std::vector<std::string>& urls);

// DstUrl (required): rtmp://, at most 2000 characters, a host the policy allows.
Result<std::string> ParseDstUrl(const ActionContext& context, const Params& params);

// CallbackUrl: nullopt when absent; "" when sent empty (no callbacks); else at most 2000
// characters and safe like a NotifyUrl.
Result<std::optional<std::string>> ParseRelayCallbackUrl(ActionContext& context,
                                                         const Params& params);

// ReqAuth and NotifyItemSwitch: nullopt when absent or empty; `yes`/`true` and `no`/`false`, any
// case; anything else is `malformed`.
Result<std::optional<bool>> ParseRelaySwitch(const Params& params, const char* name,
                                             ErrorCode malformed);

// AuthKey: nullopt when absent or empty; else 16-64 letters and digits
// (InvalidAuthKey.Malformed).
Result<std::optional<std::string>> ParseRelayAuthKey(const Params& params);

// The caller's task as of now (relay::ViewAt). InvalidTask.NotFound when it does not exist,
// belongs to another account, or is past its exited-task retention.
Result<relay::RelayTask> FindRelayTask(const ActionContext& context, const std::string& task_id);

// Reads the task, lets `change` modify its current view (returning false for "no effect"),
// and stores the result compare-and-set, reading again if another writer came first. Tells the
// scheduler's listener about a stored change. Returns the task as it now is.
using TaskChange = std::function<Result<bool>(relay::RelayTask&)>;
Result<relay::RelayTask> ChangeRelayTask(const ActionContext& context, const std::string& task_id,
                                         const TaskChange& change);

}  // namespace liverec::api
