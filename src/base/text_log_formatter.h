// TextLogFormatter: the formatter of the text log (`[log] format = "text"`): spdlog's default
// pattern ("[2026-01-05 10:00:00.123] [liverec] [info] message", coloured level on a terminal),
// with the message passed through Printable first. A message may carry outside text (an RTMP
// tcUrl or stream name, a peer's error); escaped, it can neither start a forged line (newline,
// carriage return), nor hide one (NUL, backspace), nor drive the terminal (ANSI escapes).
// Thread-safety: one instance per sink, as spdlog uses formatters (it clones them).
#pragma once

#include <memory>

#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>

namespace liverec {

class TextLogFormatter final : public spdlog::formatter {
 public:
  TextLogFormatter();
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

 private:
  std::unique_ptr<spdlog::pattern_formatter> pattern_;
};

}  // namespace liverec
