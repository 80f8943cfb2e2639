#include "relay/relay_callbacks.h"

#include <nlohmann/json.hpp>

#include "relay/relay_task_json.h"

namespace liverec::relay {
namespace {

std::string_view EventName(TaskEvent::Kind kind) {
  switch (kind) {
    case TaskEvent::Kind::kStatusChanged:
      return kStatusEventName;
    case TaskEvent::Kind::kExited:
      return kExitEventName;
    case TaskEvent::Kind::kItemSwitched:
      return kItemSwitchEventName;
  }
  return kStatusEventName;
}

std::string_view OutboxKind(TaskEvent::Kind kind) {
  switch (kind) {
    case TaskEvent::Kind::kStatusChanged:
      return "relay_status";
    case TaskEvent::Kind::kExited:
      return "relay_exit";
    case TaskEvent::Kind::kItemSwitched:
      return "relay_item_switch";
  }
  return "relay_status";
}

}  // namespace

std::string RelayEventBody(const TaskEvent& event) {
  const RelayTask& t = event.task;
  const bool exit = event.kind == TaskEvent::Kind::kExited;
  nlohmann::json info = TaskInfoJson(t);
  info.erase("AuthKey");  // the key signs the callback; it never travels in one
  nlohmann::json body = {
      {"Event", EventName(event.kind)},
      {"EventTime", std::to_string(event.at_ms / 1000)},
      {"TaskId", t.task_id},
      {"TaskInfo", std::move(info)},
      {"TaskStatus", exit ? static_cast<int64_t>(TaskStatus::kExited) : t.status}};
  switch (event.kind) {
    case TaskEvent::Kind::kExited:
      body["TaskExitTime"] = t.exit_time_ms / 1000;
      body["TaskExitReason"] = t.exit_reason;
      break;
    case TaskEvent::Kind::kItemSwitched:
      body["CurrentFileIndex"] = t.current_file_index;
      body["CurrentFileUrl"] = event.file_url;
      body["RemainingRepeats"] = t.remaining_repeats;
      break;
    case TaskEvent::Kind::kStatusChanged:
      if (StatusOf(t) == TaskStatus::kOffline) body["TaskInvalidReason"] = t.invalid_reason;
      break;
  }
  return body.dump();
}

std::optional<callbacks::CallbackEvent> RelayCallbackEvent(const TaskEvent& event) {
  if (event.task.callback_url.empty()) return std::nullopt;
  callbacks::CallbackEvent out;
  out.account_id = event.task.account_id;
  out.kind = std::string(OutboxKind(event.kind));
  out.url = event.task.callback_url;
  out.body = RelayEventBody(event);
  if (event.task.req_auth) out.sign_key = event.task.auth_key;
  return out;
}

}  // namespace liverec::relay
