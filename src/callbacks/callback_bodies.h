// Bodies of the recording callbacks (docs/callbacks.md), as pure functions from plain values to
// JSON text, so their shapes are tested without a network. Thread-safety: pure; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace liverec::callbacks {

using QueryArgs = std::vector<std::pair<std::string, std::string>>;

// A finished recording file (m3u8 playlist, MP4 or FLV) — the file_created callback.
struct FileCreatedInfo {
  std::string domain;  // streaming domain (DomainName), not an ingest alias
  std::string app;
  std::string stream;
  std::string uri;          // object key inside the configured bucket
  int64_t duration_ms = 0;  // media duration (sent as float seconds, 3 decimals)
  int64_t start_ms = 0;     // UTC; sent as UNIX seconds
  int64_t stop_ms = 0;
  QueryArgs push_args;  // see CallbackPushArgs
};

enum class RecordStatusEvent { kStarted, kPaused, kResumed, kError };

// "record_started" | "record_paused" | "record_resumed" | "record_error": the `event` field and
// the NotifyType.
std::string_view StatusEventName(RecordStatusEvent event);

// The ingest URL's query arguments whose name starts with "callback_", in order, the first
// value of a repeated name only.
QueryArgs CallbackPushArgs(const QueryArgs& ingest_query);
// The same over already-decoded arguments (ingest::StreamIdentity::args), in name order.
QueryArgs CallbackPushArgs(const std::map<std::string, std::string>& ingest_args);

// {"domain","app","stream","uri","duration","start_time","stop_time"[,"push_args"]}; push_args
// only when there is at least one.
std::string FileCreatedBody(const FileCreatedInfo& file);

// {"domain","app","stream","event"}, and "reason" for record_error.
std::string StatusEventBody(std::string_view domain, std::string_view app, std::string_view stream,
                            RecordStatusEvent event, std::string_view reason = {});

}  // namespace liverec::callbacks
