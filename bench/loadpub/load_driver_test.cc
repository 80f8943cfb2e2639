#include "load_driver.h"

#include <gtest/gtest.h>

#include <thread>

#include "loadpub_test_util.h"

namespace liverec::loadpub {
namespace {

namespace asio = boost::asio;
using testing::FakeRtmpServer;

TEST(StreamUrlTest, ReplacesTheIndexOrAppendsItToTheStreamName) {
  EXPECT_EQ(StreamUrl("rtmp://127.0.0.1:1935/live/s{i}?vhost=a.com", 7),
            "rtmp://127.0.0.1:1935/live/s7?vhost=a.com");
  EXPECT_EQ(StreamUrl("rtmp://127.0.0.1/live/cam", 12), "rtmp://127.0.0.1/live/cam12");
  EXPECT_EQ(StreamUrl("rtmp://127.0.0.1/live/cam?k=v", 3), "rtmp://127.0.0.1/live/cam3?k=v");
}

std::vector<testing::TagSpec> Pass() {
  return {{FlvTagType::kVideo, 0, testing::VideoSequenceHeader()},
          {FlvTagType::kAudio, 0, testing::AudioSequenceHeader()},
          {FlvTagType::kVideo, 0, testing::VideoFrame(true)},
          {FlvTagType::kAudio, 0, testing::AudioFrame()},
          {FlvTagType::kVideo, 40, testing::VideoFrame(false)},
          {FlvTagType::kVideo, 80, testing::VideoFrame(false)}};
}

// The whole tool against an RTMP server on another thread: three streams, a short duration.
TEST(RunLoadTest, PublishesEveryStreamAndReportsWhatWasSent) {
  testing::TempFlv file(testing::FlvBytes(Pass()));
  asio::io_context server_io;
  FakeRtmpServer server(server_io);
  auto guard = asio::make_work_guard(server_io);
  std::thread server_thread([&] { server_io.run(); });

  LoadOptions options;
  options.url = "rtmp://127.0.0.1:" + std::to_string(server.endpoint().port()) + "/live/s{i}";
  options.input = file.path();
  options.streams = 3;
  options.tick_ms = 5;
  options.stagger_ms = 10;
  options.duration_s = 0.6;
  options.grace_ms = 2000;
  auto summary = RunLoad(options);

  guard.reset();
  server_io.stop();
  server_thread.join();
  ASSERT_TRUE(summary.has_value()) << summary.error().ToString();
  const nlohmann::json& s = *summary;
  EXPECT_EQ(s["streams"], 3);
  EXPECT_EQ(s["published"], 3);
  EXPECT_EQ(s["clean_ends"], 3) << s["errors"].dump();
  EXPECT_EQ(s["failed"], 0);
  EXPECT_EQ(s["loop_duration_ms"], 120);
  ASSERT_EQ(s["per_stream"].size(), 3u);
  for (const auto& row : s["per_stream"]) {
    EXPECT_GT(row["bytes_sent"].get<int64_t>(), 0);
    // Media was paced out, never ahead of the clock: at most the 0.6 s run plus one tick and the
    // first frames. How much was pushed within it depends on the machine's load (a busy or
    // sanitized run pushes less), so the lower bound is only "some".
    EXPECT_GT(row["pushed_ms"].get<int64_t>(), 0);
    EXPECT_LE(row["pushed_ms"].get<int64_t>(), 1000);
  }
  EXPECT_EQ(server.connections().size(), 3u);
}

TEST(RunLoadTest, RejectsAHostNameAndAMissingInput) {
  testing::TempFlv file(testing::FlvBytes(Pass()));
  LoadOptions options;
  options.url = "rtmp://localhost:1935/live/s{i}";
  options.input = file.path();
  auto by_name = RunLoad(options);
  ASSERT_FALSE(by_name.has_value());
  EXPECT_NE(by_name.error().ToString().find("IP address"), std::string::npos);

  options.url = "rtmp://127.0.0.1:1935/live/s{i}";
  options.input = file.path() + ".missing";
  EXPECT_FALSE(RunLoad(options).has_value());
}

}  // namespace
}  // namespace liverec::loadpub
