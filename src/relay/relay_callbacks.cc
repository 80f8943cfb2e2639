#include "relay/relay_callbacks.h"

#include <nlohmann/json.hpp>

#include "relay/relay_task_json.h"

namespace liverec::relay {

std::string RelayEventBody(const TaskEvent& event) {
  const RelayTask& t = event.task;
  const bool exit = event.kind == TaskEvent::Kind::kExited;
  nlohmann::json body = {
      {"Event", exit ? kExitEventName : kStatusEventName},
      {"EventTime", std::to_string(event.at_ms / 1000)},
      {"TaskId", t.task_id},
      {"TaskInfo", TaskInfoJson(t)},
      {"TaskStatus", exit ? static_cast<int64_t>(TaskStatus::kExited) : t.status}};
  if (exit) {
    body["TaskExitTime"] = t.exit_time_ms / 1000;
    body["TaskExitReason"] = t.exit_reason;
  } else if (StatusOf(t) == TaskStatus::kOffline) {
    body["TaskInvalidReason"] = t.invalid_reason;
  }
  return body.dump();
}

std::optional<callbacks::CallbackEvent> RelayCallbackEvent(const TaskEvent& event) {
  if (event.task.callback_url.empty()) return std::nullopt;
  callbacks::CallbackEvent out;
  out.account_id = event.task.account_id;
  out.kind = event.kind == TaskEvent::Kind::kExited ? "relay_exit" : "relay_status";
  out.url = event.task.callback_url;
  out.body = RelayEventBody(event);
  return out;
}

}  // namespace liverec::relay
