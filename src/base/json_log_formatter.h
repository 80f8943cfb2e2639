// JsonLogFormatter: an spdlog formatter that writes each log record as one JSON object on one
// line (JSON Lines), for log shippers:
//   {"time":"2026-01-05T10:00:00.123Z","level":"info","logger":"liverec","message":"..."}
// time is RFC 3339 in UTC with milliseconds; level is trace|debug|info|warn|error|critical.
// The message is escaped as a JSON string (RFC 8259 §7): quotes, backslashes and every control
// character are escaped, and bytes that are not well-formed UTF-8 become U+FFFD, so a line is
// always valid JSON whatever a message carries (peer names, library errors).
// Thread-safety: one instance per sink, as spdlog uses formatters (it clones them).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/formatter.h>

namespace liverec {

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

// Appends `text` as a JSON string literal, quotes included.
void AppendJsonString(std::string& out, std::string_view text);

// "2026-01-05T10:00:00.123Z" for a time in UTC milliseconds since the epoch.
std::string Rfc3339UtcMillis(int64_t ms);

}  // namespace liverec
