// libav's log through spdlog: levels mapped, newlines stripped, fragments joined, floods cut.
// The lines are logged with libav's own av_log, as libavformat does.
#include "media/libav_log.h"

#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

extern "C" {
#include <libavutil/log.h>
#include <libavutil/version.h>
}

namespace liverec::media {
namespace {

// An object libav can log about: its first member points at its AVClass.
const char* ItemName(void*) { return "mp4"; }
const AVClass kMuxerClass{.class_name = "AVFormatContext",
                          .item_name = ItemName,
                          .option = nullptr,
                          .version = LIBAVUTIL_VERSION_INT};
struct FakeMuxer {
  const AVClass* av_class = &kMuxerClass;
};

class LibavLogBridgeTest : public ::testing::Test {
 protected:
  LibavLogBridgeTest() {
    logger_->set_pattern("%l|%v");
    logger_->set_level(spdlog::level::trace);
  }

  std::vector<std::string> Lines() const {
    std::vector<std::string> lines;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> logger_ = std::make_shared<spdlog::logger>(
      "libav", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
  FakeClock clock_{1'000'000};
  FakeMuxer muxer_;
};

TEST(SpdlogLevelOfLibavTest, MapsEveryLibavLevel) {
  EXPECT_EQ(SpdlogLevelOfLibav(AV_LOG_QUIET), spdlog::level::off);
  EXPECT_EQ(SpdlogLevelOfLibav(AV_LOG_PANIC), spdlog::level::critical);
  EXPECT_EQ(SpdlogLevelOfLibav(AV_LOG_FATAL), spdlog::level::critical);
  EXPECT_EQ(SpdlogLevelOfLibav(AV_LOG_ERROR), spdlog::level::err);
  EXPECT_EQ(SpdlogLevelOfLibav(AV_LOG_WARNING), spdlog::level::warn);
  EXPECT_EQ(SpdlogLevelOfLibav(AV_LOG_INFO), spdlog::level::debug);
  EXPECT_EQ(SpdlogLevelOfLibav(AV_LOG_VERBOSE), spdlog::level::debug);
  EXPECT_EQ(SpdlogLevelOfLibav(AV_LOG_DEBUG), spdlog::level::trace);
  EXPECT_EQ(SpdlogLevelOfLibav(AV_LOG_TRACE), spdlog::level::trace);
  EXPECT_EQ(SpdlogLevelOfLibav(AV_LOG_ERROR | AV_LOG_C(134)), spdlog::level::err)
      << "colour bits are ignored";
}

TEST_F(LibavLogBridgeTest, ALineArrivesWithLibavsPrefixAndWithoutItsNewline) {
  LibavLogBridge bridge(logger_, clock_);
  av_log(&muxer_, AV_LOG_INFO, "Starting second pass: moving the moov atom to the beginning\n");
  av_log(nullptr, AV_LOG_ERROR, "no context %d\n", 42);
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 2u) << out_.str();
  EXPECT_TRUE(lines[0].starts_with("debug|[mp4 @ 0x")) << lines[0];
  EXPECT_TRUE(lines[0].ends_with("] Starting second pass: moving the moov atom to the beginning"))
      << lines[0];
  EXPECT_EQ(lines[1], "error|no context 42");
}

TEST_F(LibavLogBridgeTest, FragmentsOfOneLineAreJoined) {
  LibavLogBridge bridge(logger_, clock_);
  av_log(&muxer_, AV_LOG_WARNING, "first part, ");
  av_log(&muxer_, AV_LOG_WARNING, "second part, ");
  EXPECT_TRUE(Lines().empty()) << "nothing before the newline";
  av_log(&muxer_, AV_LOG_WARNING, "end\n");
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 1u) << out_.str();
  EXPECT_TRUE(lines[0].ends_with("] first part, second part, end")) << lines[0];
  EXPECT_EQ(lines[0].find("[mp4", 10), std::string::npos) << "one prefix: " << lines[0];
}

TEST_F(LibavLogBridgeTest, LinesBelowTheLoggersLevelAreDropped) {
  logger_->set_level(spdlog::level::info);
  LibavLogBridge bridge(logger_, clock_);
  av_log(&muxer_, AV_LOG_INFO, "an internal step\n");
  av_log(&muxer_, AV_LOG_DEBUG, "a detail\n");
  av_log(&muxer_, AV_LOG_WARNING, "a problem\n");
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 1u) << out_.str();
  EXPECT_TRUE(lines[0].starts_with("warning|")) << lines[0];
}

TEST_F(LibavLogBridgeTest, AFloodIsCutAndTheSuppressedLinesAreCounted) {
  LibavLogBridge bridge(logger_, clock_, {.lines_per_window = 3, .window_ms = 1000});
  for (int i = 0; i < 50; ++i) av_log(&muxer_, AV_LOG_WARNING, "flood %d\n", i);
  EXPECT_EQ(Lines().size(), 3u) << out_.str();
  clock_.AdvanceMs(1000);
  av_log(&muxer_, AV_LOG_WARNING, "after the flood\n");
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 5u) << out_.str();
  EXPECT_EQ(lines[3],
            "warning|47 more lines from [mp4] suppressed (at most 3 per 1000 ms from one source)");
  EXPECT_TRUE(lines[4].ends_with("] after the flood")) << lines[4];
}

TEST_F(LibavLogBridgeTest, ThreadsLoggingAtOnceNeverMixTheirLines) {
  LibavLogBridge bridge(logger_, clock_, {.lines_per_window = 100'000, .window_ms = 1000});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 200; ++i) {
        av_log(&muxer_, AV_LOG_WARNING, "thread %d ", t);
        av_log(&muxer_, AV_LOG_WARNING, "line %d\n", i);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 8u * 200u);
  for (const auto& line : lines) {
    auto at = line.find("] thread ");
    ASSERT_NE(at, std::string::npos) << line;
    int t = -1, i = -1;
    ASSERT_EQ(std::sscanf(line.c_str() + at, "] thread %d line %d", &t, &i), 2) << line;
  }
}

TEST_F(LibavLogBridgeTest, TheDestructorGivesLibavItsOwnCallbackBack) {
  { LibavLogBridge bridge(logger_, clock_); }
  av_log_set_level(AV_LOG_QUIET);  // libav's own callback: to stderr, here silenced
  av_log(&muxer_, AV_LOG_ERROR, "not for the bridge\n");
  av_log_set_level(AV_LOG_INFO);
  EXPECT_TRUE(Lines().empty()) << out_.str();
}

TEST_F(LibavLogBridgeTest, AWatchSeesEveryCallOfItsThreadBeforeFilteringAndTheBridgeStillLogs) {
  LibavLogBridge bridge(logger_, clock_);
  logger_->set_level(spdlog::level::err);
  std::vector<std::string> seen;
  {
    ScopedLibavLogWatch watch([&](void* context, const char* format) {
      EXPECT_EQ(context, &muxer_);
      seen.emplace_back(format);
    });
    av_log(&muxer_, AV_LOG_DEBUG, "Status %d: Redirecting to %s\n", 302, "rtsp://x/");
    std::thread([&] { av_log(&muxer_, AV_LOG_ERROR, "another thread\n"); }).join();
    av_log(&muxer_, AV_LOG_ERROR, "a problem\n");
  }
  av_log(&muxer_, AV_LOG_ERROR, "after the watch\n");
  EXPECT_EQ(seen, (std::vector<std::string>{"Status %d: Redirecting to %s\n", "a problem\n"}));
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 3u) << out_.str();
  EXPECT_TRUE(lines[0].ends_with("] another thread")) << lines[0];
  EXPECT_TRUE(lines[1].ends_with("] a problem")) << lines[1];
  EXPECT_TRUE(lines[2].ends_with("] after the watch")) << lines[2];
}

}  // namespace
}  // namespace liverec::media
