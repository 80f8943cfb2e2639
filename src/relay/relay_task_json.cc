#include "relay/relay_task_json.h"

#include "base/time_format.h"

namespace liverec::relay {

nlohmann::json TaskInfoJson(const RelayTask& t) {
  return {{"TaskId", t.task_id},
          {"TaskName", t.task_name},
          {"StartTime", FormatIsoUtc(t.start_time_ms)},
          {"EndTime", FormatIsoUtc(t.end_time_ms)},
          {"SourceType", t.source_type},
          {"SourceProtocol", t.source_protocol},
          {"SourceUrls", t.source_urls},
          {"DstUrl", t.dst_url},
          {"CallbackURL", t.callback_url},
          {"ReqAuth", t.req_auth ? "yes" : "no"},
          {"AuthKey", t.auth_key},
          {"NotifyItemSwitch", t.notify_item_switch ? "yes" : "no"},
          {"RepeatNumber", t.repeat_number},
          {"Offset", t.offset_s},
          {"FileIndex", t.file_index},
          {"RetryCount", t.retry_count},
          {"RetryInterval", t.retry_interval_s}};
}

nlohmann::json TaskJson(const RelayTask& view) {
  bool offline = StatusOf(view) == TaskStatus::kOffline;
  bool exited = StatusOf(view) == TaskStatus::kExited;
  return {{"TaskId", view.task_id},
          {"TaskStatus", view.status},
          {"TaskInvalidReason", offline ? view.invalid_reason : ""},
          {"TaskExitTime", exited ? view.exit_time_ms / 1000 : 0},
          {"TaskExitReason", exited ? view.exit_reason : ""},
          {"CurrentOffset", view.current_offset_s},
          {"CurrentFileIndex", view.current_file_index},
          {"TaskInfo", TaskInfoJson(view)}};
}

}  // namespace liverec::relay
