// UpdateLivePullToPush: changes a task as far as its status allows
// (docs/api/relay.md "Status machine"; the rules are relay::ApplyUpdate).
#include <limits>

#include "api/actions/actions.h"
#include "api/relay_params.h"
#include "relay/task_commands.h"

namespace liverec::api::actions {
namespace {

Status ParseNumber(const Params& params, const char* name, int64_t min, int64_t max,
                   ErrorCode malformed, std::optional<int64_t>& out) {
  auto value = params.OptionalInt(name, min, max, malformed);
  if (!value) return value.error();
  out = *value;
  return Status::Ok();
}

// Every parameter that was sent, checked on its own; SourceUrls are checked against the task.
Result<relay::TaskUpdate> ParseUpdate(ActionContext& context, const Params& params) {
  relay::TaskUpdate update;
  auto start = ParseOptionalTime(params, "StartTime", ErrorCode::kInvalidStartTimeMalformed);
  if (!start) return Error(start.error());
  update.start_time_ms = *start;
  auto end = ParseOptionalTime(params, "EndTime", ErrorCode::kInvalidEndTimeMalformed);
  if (!end) return Error(end.error());
  update.end_time_ms = *end;
  auto urls = ParseSourceUrls(params);
  if (!urls) return Error(urls.error());
  update.source_urls = std::move(*urls);
  constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();
  LIVEREC_RETURN_IF_ERROR(ParseNumber(params, "RepeatNumber", -1, 1'000'000,
                                      ErrorCode::kInvalidRepeatNumberMalformed,
                                      update.repeat_number));
  LIVEREC_RETURN_IF_ERROR(ParseNumber(params, "Offset", 0, kIntMax,
                                      ErrorCode::kInvalidOffsetMalformed, update.offset_s));
  LIVEREC_RETURN_IF_ERROR(ParseNumber(params, "FileIndex", 0,
                                      static_cast<int64_t>(kMaxRelaySourceUrls) - 1,
                                      ErrorCode::kInvalidFileIndexMalformed, update.file_index));
  auto callback = ParseRelayCallbackUrl(context, params);
  if (!callback) return Error(callback.error());
  update.callback_url = *callback;
  auto req_auth = ParseRelaySwitch(params, "ReqAuth", ErrorCode::kInvalidReqAuthMalformed);
  if (!req_auth) return Error(req_auth.error());
  update.req_auth = *req_auth;
  auto key = ParseRelayAuthKey(params);
  if (!key) return Error(key.error());
  update.auth_key = *key;
  auto item_switch =
      ParseRelaySwitch(params, "NotifyItemSwitch", ErrorCode::kInvalidNotifyItemSwitchMalformed);
  if (!item_switch) return Error(item_switch.error());
  update.notify_item_switch = *item_switch;
  return update;
}

}  // namespace

Result<nlohmann::json> UpdateLivePullToPush(ActionContext& context, const Params& params) {
  LIVEREC_RETURN_IF_ERROR(RequireRelayDependencies(context));
  auto region = ParseRelayRegion(params);
  if (!region) return Error(region.error());
  auto task_id = ParseTaskId(params);
  if (!task_id) return Error(task_id.error());
  auto update = ParseUpdate(context, params);
  if (!update) return Error(update.error());
  update->region = *region;
  auto changed = ChangeRelayTask(context, *task_id, [&](relay::RelayTask& task) -> Result<bool> {
    if (update->source_urls) {
      LIVEREC_RETURN_IF_ERROR(
          CheckSourceUrls(context, task.source_type, task.source_protocol, *update->source_urls));
    }
    LIVEREC_RETURN_IF_ERROR(relay::ApplyUpdate(task, *update, context.now_ms));
    return true;
  });
  if (!changed) return Error(changed.error());
  return nlohmann::json{{"RetCode", 0}, {"Description", "OK"}};
}

}  // namespace liverec::api::actions
