#include "base/json_log_formatter.h"

#include <chrono>

#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>
#include <nlohmann/json.hpp>

namespace liverec {
namespace {

std::string Escaped(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

std::string FormatLine(spdlog::level::level_enum level, std::string_view message,
                       int64_t ms = 1'767'225'600'123) {
  spdlog::details::log_msg msg(spdlog::log_clock::time_point(std::chrono::milliseconds(ms)),
                               spdlog::source_loc{}, "liverec", level,
                               spdlog::string_view_t(message.data(), message.size()));
  spdlog::memory_buf_t buffer;
  JsonLogFormatter().format(msg, buffer);
  return std::string(buffer.data(), buffer.size());
}

TEST(JsonLogFormatterTest, WritesOneObjectPerLineWithTimeLevelLoggerAndMessage) {
  EXPECT_EQ(FormatLine(spdlog::level::info, "rtmp: publishing live/s1"),
            "{\"time\":\"2026-01-01T00:00:00.123Z\",\"level\":\"info\",\"logger\":\"liverec\","
            "\"message\":\"rtmp: publishing live/s1\"}\n");
}

TEST(JsonLogFormatterTest, LevelsAreNamedAsInTheConfig) {
  EXPECT_NE(FormatLine(spdlog::level::warn, "x").find("\"level\":\"warn\""), std::string::npos);
  EXPECT_NE(FormatLine(spdlog::level::err, "x").find("\"level\":\"error\""), std::string::npos);
  EXPECT_NE(FormatLine(spdlog::level::debug, "x").find("\"level\":\"debug\""), std::string::npos);
}

TEST(JsonLogFormatterTest, MillisecondsArePaddedAndTheTimeIsUtc) {
  std::string line = FormatLine(spdlog::level::info, "x", 1'767'225'600'007);
  EXPECT_NE(line.find("\"time\":\"2026-01-01T00:00:00.007Z\""), std::string::npos) << line;
  EXPECT_EQ(Rfc3339UtcMillis(0), "1970-01-01T00:00:00.000Z");
}

TEST(JsonLogFormatterTest, QuotesBackslashesAndControlCharactersAreEscaped) {
  EXPECT_EQ(Escaped("say \"hi\" \\ bye"), "\"say \\\"hi\\\" \\\\ bye\"");
  EXPECT_EQ(Escaped("a\nb\rc\td\be\ff"), "\"a\\nb\\rc\\td\\be\\ff\"");
  EXPECT_EQ(Escaped(std::string_view("\x01\x1f\x7f\0z", 5)), "\"\\u0001\\u001f\\u007f\\u0000z\"");
}

TEST(JsonLogFormatterTest, WellFormedUtf8PassesAndBrokenBytesBecomeReplacementCharacters) {
  EXPECT_EQ(Escaped("直播 é 🎥"), "\"直播 é 🎥\"");
  EXPECT_EQ(Escaped("a\xff"
                    "b"),
            "\"a\\ufffdb\"");                                                  // never valid
  EXPECT_EQ(Escaped("\xc3"), "\"\\ufffd\"");                                   // truncated sequence
  EXPECT_EQ(Escaped("\xc0\xaf"), "\"\\ufffd\\ufffd\"");                        // overlong '/'
  EXPECT_EQ(Escaped("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");             // a UTF-16 surrogate
  EXPECT_EQ(Escaped("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // > U+10FFFF
}

TEST(JsonLogFormatterTest, EveryByteValueStillMakesAValidJsonLine) {
  std::string message;
  for (int c = 0; c < 256; ++c) message += static_cast<char>(c);
  std::string line = FormatLine(spdlog::level::err, message);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);                           // one line
  auto parsed = nlohmann::json::parse(line.substr(0, line.size() - 1));  // throws if invalid
  std::string decoded = parsed["message"];
  EXPECT_EQ(decoded.substr(0, 128), message.substr(0, 128));  // ASCII round-trips exactly
  EXPECT_EQ(parsed["logger"], "liverec");
}

TEST(JsonLogFormatterTest, CloneFormatsTheSame) {
  JsonLogFormatter formatter;
  auto clone = formatter.clone();
  spdlog::details::log_msg msg(spdlog::log_clock::time_point(std::chrono::milliseconds(5)),
                               spdlog::source_loc{}, "n", spdlog::level::info, "m");
  spdlog::memory_buf_t a, b;
  formatter.format(msg, a);
  clone->format(msg, b);
  EXPECT_EQ(std::string(a.data(), a.size()), std::string(b.data(), b.size()));
}

}  // namespace
}  // namespace liverec
