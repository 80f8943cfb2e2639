#include "base/text_log_formatter.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>

namespace liverec {
namespace {

std::string FormatLine(std::string_view message, const spdlog::details::log_msg** out = nullptr) {
  static spdlog::details::log_msg kept;
  kept = spdlog::details::log_msg(spdlog::log_clock::now(), spdlog::source_loc{}, "liverec",
                                  spdlog::level::info,
                                  spdlog::string_view_t(message.data(), message.size()));
  spdlog::memory_buf_t buffer;
  TextLogFormatter().format(kept, buffer);
  if (out) *out = &kept;
  return std::string(buffer.data(), buffer.size());
}

TEST(TextLogFormatterTest, WritesTheDefaultPatternWithTheMessage) {
  std::string line = FormatLine("rtmp: publishing live/s1");
  EXPECT_NE(line.find("] [liverec] [info] rtmp: publishing live/s1"), std::string::npos) << line;
  EXPECT_EQ(line.back(), '\n');
}

TEST(TextLogFormatterTest, AMessageCarryingNewlinesAndEscapesStaysOneLine) {
  using namespace std::string_view_literals;
  std::string line = FormatLine(
      "rtmp: publish live/s1\n[2026-01-01 00:00:00.000] [liverec] [info] admin logged in\r"
      "\x1b[2K\x00tail"sv);
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_EQ(line.find('\x1b'), std::string::npos);
  EXPECT_NE(line.find("live/s1\\n[2026-01-01"), std::string::npos) << line;
  EXPECT_NE(line.find("in\\r\\x1b[2K\\x00tail"), std::string::npos) << line;
}

TEST(TextLogFormatterTest, TheLevelIsMarkedForTheColourSink) {
  const spdlog::details::log_msg* msg = nullptr;
  std::string line = FormatLine("x", &msg);
  ASSERT_LT(msg->color_range_start, msg->color_range_end);
  EXPECT_EQ(line.substr(msg->color_range_start, msg->color_range_end - msg->color_range_start),
            "info");
}

}  // namespace
}  // namespace liverec
