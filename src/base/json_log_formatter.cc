#include "base/json_log_formatter.h"

#include <chrono>

#include <fmt/format.h>

#include "base/log_escape.h"
#include "base/time_format.h"

namespace liverec {
namespace {

std::string_view LevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(text, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(text.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

std::string Rfc3339UtcMillis(int64_t ms) {
  std::string seconds = FormatIsoUtc(ms);  // "...T10:00:00Z"
  int64_t fraction = ((ms % 1000) + 1000) % 1000;
  seconds.insert(seconds.size() - 1, fmt::format(".{:03d}", fraction));
  return seconds;
}

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
  std::string line = "{\"time\":\"" + Rfc3339UtcMillis(ms) + "\",\"level\":\"";
  line += LevelName(msg.level);
  line += "\",\"logger\":";
  AppendJsonString(line, std::string_view(msg.logger_name.data(), msg.logger_name.size()));
  line += ",\"message\":";
  AppendJsonString(line, std::string_view(msg.payload.data(), msg.payload.size()));
  line += "}\n";
  dest.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace liverec
