#include "callbacks/callback_bodies.h"

#include <set>

#include <nlohmann/json.hpp>

namespace liverec::callbacks {

std::string_view StatusEventName(RecordStatusEvent event) {
  switch (event) {
    case RecordStatusEvent::kStarted:
      return "record_started";
    case RecordStatusEvent::kPaused:
      return "record_paused";
    case RecordStatusEvent::kResumed:
      return "record_resumed";
    case RecordStatusEvent::kError:
      return "record_error";
  }
  return "record_started";
}

QueryArgs CallbackPushArgs(const QueryArgs& ingest_query) {
  QueryArgs out;
  std::set<std::string> seen;
  for (const auto& [name, value] : ingest_query) {
    if (!name.starts_with("callback_") || !seen.insert(name).second) continue;
    out.emplace_back(name, value);
  }
  return out;
}

QueryArgs CallbackPushArgs(const std::map<std::string, std::string>& ingest_args) {
  return CallbackPushArgs(QueryArgs(ingest_args.begin(), ingest_args.end()));
}

std::string FileCreatedBody(const FileCreatedInfo& file) {
  // Spec §6.3 field order; ordered_json keeps it for human readers of the history.
  nlohmann::ordered_json body;
  body["domain"] = file.domain;
  body["app"] = file.app;
  body["stream"] = file.stream;
  body["uri"] = file.uri;
  body["duration"] = static_cast<double>(file.duration_ms) / 1000.0;
  body["start_time"] = file.start_ms / 1000;
  body["stop_time"] = file.stop_ms / 1000;
  if (!file.push_args.empty()) {
    nlohmann::ordered_json args = nlohmann::ordered_json::object();
    for (const auto& [name, value] : file.push_args) args[name] = value;
    body["push_args"] = std::move(args);
  }
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string StatusEventBody(std::string_view domain, std::string_view app, std::string_view stream,
                            RecordStatusEvent event, std::string_view reason) {
  nlohmann::ordered_json body;
  body["domain"] = domain;
  body["app"] = app;
  body["stream"] = stream;
  body["event"] = StatusEventName(event);
  if (event == RecordStatusEvent::kError) body["reason"] = reason;
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace liverec::callbacks
