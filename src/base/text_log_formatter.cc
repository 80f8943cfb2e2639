#include "base/text_log_formatter.h"

#include <string>

#include "base/log_escape.h"

namespace liverec {

TextLogFormatter::TextLogFormatter() : pattern_(std::make_unique<spdlog::pattern_formatter>()) {}

void TextLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  std::string_view payload(msg.payload.data(), msg.payload.size());
  std::string printable = Printable(payload);
  spdlog::details::log_msg escaped = msg;
  escaped.payload = spdlog::string_view_t(printable.data(), printable.size());
  pattern_->format(escaped, dest);
  // The colour sink reads where the level name lies from the message it passed in.
  msg.color_range_start = escaped.color_range_start;
  msg.color_range_end = escaped.color_range_end;
}

std::unique_ptr<spdlog::formatter> TextLogFormatter::clone() const {
  return std::make_unique<TextLogFormatter>();
}

}  // namespace liverec
