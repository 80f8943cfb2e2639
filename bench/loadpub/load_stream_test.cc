#include "load_stream.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "loadpub_test_util.h"

namespace liverec::loadpub {
namespace {

namespace asio = boost::asio;
using media::rtmp::DataKind;
using testing::AudioFrame;
using testing::AudioSequenceHeader;
using testing::FakeRtmpServer;
using testing::FlvBytes;
using testing::Metadata;
using testing::RunUntil;
using testing::TempFlv;
using testing::VideoFrame;
using testing::VideoSequenceHeader;

// 200 ms per pass: 5 video frames at 25 fps, 3 audio frames.
std::vector<testing::TagSpec> Pass() {
  return {{FlvTagType::kScriptData, 0, Metadata()},
          {FlvTagType::kVideo, 0, VideoSequenceHeader()},
          {FlvTagType::kAudio, 0, AudioSequenceHeader()},
          {FlvTagType::kVideo, 0, VideoFrame(true, 5000)},  // over one 4096-byte chunk
          {FlvTagType::kAudio, 0, AudioFrame()},
          {FlvTagType::kAudio, 23, AudioFrame()},
          {FlvTagType::kVideo, 40, VideoFrame(false)},
          {FlvTagType::kAudio, 46, AudioFrame()},
          {FlvTagType::kVideo, 80, VideoFrame(false)},
          {FlvTagType::kVideo, 120, VideoFrame(false)},
          {FlvTagType::kVideo, 160, VideoFrame(false)}};
}

media::rtmp::PublishClientOptions Options(const asio::ip::tcp::endpoint& endpoint) {
  std::string host = "rtmp://127.0.0.1:" + std::to_string(endpoint.port());
  return {host + "/live?vhost=a.com",
          "live?vhost=a.com",
          "s1",
          media::rtmp::HandshakeVariant::kDigest,
          4096,
          {}};
}

class LoadStreamTest : public ::testing::Test {
 protected:
  LoadStreamTest() : file_(FlvBytes(Pass())), server_(io_) {
    auto flv = MemoryFlv::Load(file_.path());
    EXPECT_TRUE(flv.has_value());
    flv_ = std::move(*flv);
    stream_ = std::make_unique<LoadStream>(io_, flv_, random_, clock_, Options(server_.endpoint()));
  }

  // Connects and waits for NetStream.Publish.Start.
  void Publish() {
    stream_->Connect(server_.endpoint());
    ASSERT_TRUE(RunUntil(io_, [&] {
      return stream_->state() != StreamState::kConnecting &&
             stream_->state() != StreamState::kNegotiating;
    }));
    ASSERT_EQ(stream_->state(), StreamState::kPublishing) << stream_->stats().error;
    EXPECT_TRUE(stream_->stats().published);
  }

  size_t ServerMediaCount() { return server_.connections().empty() ? 0 : server_.Media(0).size(); }

  asio::io_context io_;
  TempFlv file_;
  MemoryFlv flv_;
  SeededRandom random_{7};
  FakeClock clock_{1000};
  FakeRtmpServer server_;
  std::unique_ptr<LoadStream> stream_;
};

TEST_F(LoadStreamTest, SendsWhatIsDueAtTheClockAndLoopsWithIncreasingTimestamps) {
  Publish();
  stream_->Tick(1000);  // timestamp 0 = now: script, both sequence headers, keyframe, audio
  ASSERT_TRUE(RunUntil(io_, [&] { return ServerMediaCount() == 5; }));
  stream_->Tick(1100);  // up to 100 ms: audio 23, video 40, audio 46, video 80
  ASSERT_TRUE(RunUntil(io_, [&] { return ServerMediaCount() == 9; }));
  EXPECT_EQ(stream_->pushed_ms(), 80 + 40);
  // Up to 360 ms: the rest of the first pass, and the second pass (200 ms later) to its end,
  // without the script tag and the sequence headers.
  stream_->Tick(1360);
  ASSERT_TRUE(RunUntil(io_, [&] { return ServerMediaCount() == 19; }));
  io_.restart();
  io_.run_for(std::chrono::milliseconds(20));
  auto media = server_.Media(0);
  ASSERT_EQ(media.size(), 19u);  // nothing more than what was due

  int metadata = 0, video_headers = 0, audio_headers = 0;
  int64_t previous = -1;
  std::vector<int64_t> video_times;
  for (const auto& m : media) {
    EXPECT_GE(m.timestamp_ms, previous);
    previous = m.timestamp_ms;
    if (m.kind == DataKind::kMetadata) metadata++;
    if (m.kind == DataKind::kVideo && m.payload[1] == 0) video_headers++;
    if (m.kind == DataKind::kAudio && m.payload[1] == 0) audio_headers++;
    if (m.kind == DataKind::kVideo && m.payload[1] == 1) video_times.push_back(m.timestamp_ms);
  }
  EXPECT_EQ(metadata, 1);
  EXPECT_EQ(video_headers, 1);
  EXPECT_EQ(audio_headers, 1);
  EXPECT_EQ(video_times, (std::vector<int64_t>{0, 40, 80, 120, 160, 200, 240, 280, 320, 360}));
  EXPECT_EQ(media[3].payload.size(), 5000u);  // the keyframe arrived whole across chunks
  EXPECT_EQ(media[3].payload, VideoFrame(true, 5000));

  const StreamStats& stats = stream_->stats();
  EXPECT_EQ(stats.video_frames, 11u);  // 10 frames and one sequence header
  EXPECT_EQ(stats.keyframes, 3u);      // the sequence header is flagged 0x17 too
  EXPECT_EQ(stats.audio_frames, 7u);   // 3 frames a pass and one sequence header
  EXPECT_EQ(stream_->pushed_ms(), 360 + 40);
  EXPECT_GT(stats.bytes_sent, 2 * 5000u);
  EXPECT_TRUE(stats.error.empty());
}

TEST_F(LoadStreamTest, StopUnpublishesAndEndsCleanly) {
  Publish();
  stream_->Tick(1000);
  stream_->Stop();
  ASSERT_TRUE(RunUntil(io_, [&] { return stream_->state() == StreamState::kClosed; }));
  EXPECT_TRUE(stream_->stats().clean_end) << stream_->stats().error;
  bool unpublished = false;
  for (const auto& event : server_.connections().at(0)->events) {
    unpublished = unpublished || std::holds_alternative<media::rtmp::UnpublishEvent>(event);
  }
  EXPECT_TRUE(unpublished);
  EXPECT_EQ(ServerMediaCount(), 5u);  // what was queued before Stop went out first
}

TEST_F(LoadStreamTest, ServerClosingTheConnectionIsAnError) {
  Publish();
  server_.CloseAll();
  ASSERT_TRUE(RunUntil(io_, [&] { return stream_->state() == StreamState::kClosed; }));
  EXPECT_FALSE(stream_->stats().clean_end);
  EXPECT_FALSE(stream_->stats().error.empty());
}

TEST_F(LoadStreamTest, StopBeforePublishingIsReported) {
  stream_->Stop();
  EXPECT_EQ(stream_->state(), StreamState::kClosed);
  EXPECT_EQ(stream_->stats().error, "stopped before publishing");
  EXPECT_FALSE(stream_->stats().clean_end);
}

TEST_F(LoadStreamTest, RefusedConnectionIsAnError) {
  asio::ip::tcp::endpoint closed;
  {
    asio::ip::tcp::acceptor probe(io_, {asio::ip::make_address("127.0.0.1"), 0});
    closed = probe.local_endpoint();
  }
  stream_->Connect(closed);
  ASSERT_TRUE(RunUntil(io_, [&] { return stream_->state() == StreamState::kClosed; }));
  EXPECT_EQ(stream_->stats().error.rfind("connect:", 0), 0u) << stream_->stats().error;
  EXPECT_FALSE(stream_->stats().published);
}

}  // namespace
}  // namespace liverec::loadpub
