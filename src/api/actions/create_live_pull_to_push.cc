// CreateLivePullToPush: stores a pull-to-push task (docs/api/relay.md). The task
// waits for its StartTime, relays until its EndTime and is then removed; DstUrl must not be
// used by another of the account's tasks that has not exited.
#include <algorithm>
#include <limits>

#include "api/actions/actions.h"
#include "api/relay_params.h"
#include "base/ids.h"

namespace liverec::api::actions {
namespace {

constexpr int64_t kMaxTaskNameLength = 128;

Result<std::string> ParseTaskName(const Params& params) {
  std::string name = params.Get("TaskName").value_or("");
  bool control =
      std::any_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; });
  if (static_cast<int64_t>(name.size()) > kMaxTaskNameLength || control) {
    return Error(ErrorCode::kInvalidTaskNameMalformed);
  }
  return name;
}

// SourceType and SourceProtocol (the protocol only for live sources).
Status ParseSource(const Params& params, relay::RelayTask& task) {
  auto type = params.Required("SourceType");
  if (!type) return type.error();
  if (*type == "vod") return Status(ErrorCode::kSourceTypeVodUnsupported);
  if (*type != "live" && *type != "url") return Status(ErrorCode::kInvalidSourceTypeMalformed);
  task.source_type = *type;
  if (*type != "live") return Status::Ok();  // SourceProtocol does not apply
  auto protocol = params.Required("SourceProtocol");
  if (!protocol) return protocol.error();
  // "flv" is the newest SDK's name of "http-flv" (kept as sent, so that Describe echoes it).
  if (*protocol != "rtmp" && *protocol != "srt" && *protocol != "http-flv" && *protocol != "flv" &&
      *protocol != "hls" && *protocol != "rtsp") {
    return Status(ErrorCode::kInvalidSourceProtocolMalformed);
  }
  task.source_protocol = *protocol;
  return Status::Ok();
}

// RepeatNumber, Offset, FileIndex, RetryCount, RetryInterval with their defaults.
Status ParseNumbers(const ActionContext& context, const Params& params, relay::RelayTask& task) {
  constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();
  struct Number {
    const char* name;
    int64_t min, max, fallback;
    ErrorCode malformed;
    int64_t& out;
  };
  const Number numbers[] = {
      {"RepeatNumber", -1, 1'000'000, 0, ErrorCode::kInvalidRepeatNumberMalformed,
       task.repeat_number},
      {"Offset", 0, kIntMax, 0, ErrorCode::kInvalidOffsetMalformed, task.offset_s},
      {"FileIndex", 0, static_cast<int64_t>(kMaxRelaySourceUrls) - 1, 0,
       ErrorCode::kInvalidFileIndexMalformed, task.file_index},
      {"RetryCount", 0, 30, 3, ErrorCode::kInvalidRetryCountMalformed, task.retry_count},
      {"RetryInterval", context.deps.relay.min_retry_interval_s, 300, 60,
       ErrorCode::kInvalidRetryIntervalMalformed, task.retry_interval_s},
  };
  for (const auto& n : numbers) {
    auto value = params.OptionalInt(n.name, n.min, n.max, n.malformed);
    if (!value) return value.error();
    n.out = value->value_or(n.fallback);
  }
  if (task.file_index >= static_cast<int64_t>(task.source_urls.size())) {
    return Status(ErrorCode::kInvalidFileIndexMalformed, "",
                  "FileIndex must be below the number of source URLs.");
  }
  return Status::Ok();
}

Status ParseTimes(const ActionContext& context, const Params& params, relay::RelayTask& task) {
  for (const char* name : {"StartTime", "EndTime"}) {
    auto text = params.Required(name);
    if (!text) return text.error();
  }
  auto start = ParseOptionalTime(params, "StartTime", ErrorCode::kInvalidStartTimeMalformed);
  if (!start) return start.error();
  auto end = ParseOptionalTime(params, "EndTime", ErrorCode::kInvalidEndTimeMalformed);
  if (!end) return end.error();
  task.start_time_ms = **start;
  task.end_time_ms = **end;
  if (task.end_time_ms <= task.start_time_ms || task.end_time_ms <= context.now_ms) {
    return Status(ErrorCode::kRelayIllegalDuration);
  }
  return Status::Ok();
}

// ReqAuth, AuthKey, NotifyItemSwitch (default no, "", no); ReqAuth yes needs an AuthKey.
Status ParseCallbackOptions(const Params& params, relay::RelayTask& task) {
  auto req_auth = ParseRelaySwitch(params, "ReqAuth", ErrorCode::kInvalidReqAuthMalformed);
  if (!req_auth) return req_auth.error();
  task.req_auth = req_auth->value_or(false);
  auto key = ParseRelayAuthKey(params);
  if (!key) return key.error();
  task.auth_key = key->value_or("");
  auto item_switch =
      ParseRelaySwitch(params, "NotifyItemSwitch", ErrorCode::kInvalidNotifyItemSwitchMalformed);
  if (!item_switch) return item_switch.error();
  task.notify_item_switch = item_switch->value_or(false);
  return relay::CheckCallbackAuth(task);
}

Result<relay::RelayTask> ParseTask(ActionContext& context, const Params& params) {
  relay::RelayTask task;
  auto region = ParseRelayRegion(params);
  if (!region) return Error(region.error());
  task.region = *region;
  auto name = ParseTaskName(params);
  if (!name) return Error(name.error());
  task.task_name = *name;
  LIVEREC_RETURN_IF_ERROR(ParseTimes(context, params, task));
  LIVEREC_RETURN_IF_ERROR(ParseSource(params, task));
  auto urls = ParseSourceUrls(params);
  if (!urls) return Error(urls.error());
  if (!*urls) return Error(ErrorCode::kMissingArgument, "SourceUrls");
  task.source_urls = std::move(**urls);
  LIVEREC_RETURN_IF_ERROR(
      CheckSourceUrls(context, task.source_type, task.source_protocol, task.source_urls));
  auto dst = ParseDstUrl(context, params);
  if (!dst) return Error(dst.error());
  task.dst_url = *dst;
  auto callback = ParseRelayCallbackUrl(context, params);
  if (!callback) return Error(callback.error());
  task.callback_url = callback->value_or("");
  LIVEREC_RETURN_IF_ERROR(ParseNumbers(context, params, task));
  LIVEREC_RETURN_IF_ERROR(ParseCallbackOptions(params, task));
  return task;
}

}  // namespace

Result<nlohmann::json> CreateLivePullToPush(ActionContext& context, const Params& params) {
  LIVEREC_RETURN_IF_ERROR(RequireRelayDependencies(context));
  auto task = ParseTask(context, params);
  if (!task) return Error(task.error());
  task->account_id = context.caller.account_id;
  task->task_id = NewId(context.deps.clock, context.deps.random);
  relay::SetStatus(*task, relay::TaskStatus::kIdle);
  relay::ResetProgress(*task);
  task->created_at_ms = task->updated_at_ms = context.now_ms;
  const RelayServices& relay = context.deps.relay;
  auto purged =
      relay.tasks->PurgeEnded(task->account_id, context.now_ms - relay.exited_retention_ms);
  if (!purged) return Error(purged.error());
  LIVEREC_RETURN_IF_ERROR(
      relay.tasks->Insert(*task, relay.max_tasks, context.now_ms, relay.max_cluster_tasks));
  if (relay.listener) relay.listener->TaskChanged(*task);
  return nlohmann::json{{"RetCode", 0}, {"Description", "OK"}, {"TaskId", task->task_id}};
}

}  // namespace liverec::api::actions
