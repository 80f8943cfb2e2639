// Integration tests of RelayPipeline against real peers: media made by ffmpeg, nginx-rtmp as
// source and destination on 127.0.0.1, ffprobe reading what the destination recorded.
#include "relay/worker/relay_pipeline.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "relay/worker/relay_test_support.h"

namespace liverec::relay::worker {
namespace {

using namespace std::chrono_literals;
using test_support::EventLog;
using Kind = RelayPipeline::Event::Kind;

#define REQUIRE_PEERS()                                                                    \
  do {                                                                                     \
    if (!test_support::HaveFfmpeg()) GTEST_SKIP() << "ffmpeg/ffprobe not installed";       \
    if (!test_support::HaveNginxRtmp()) {                                                  \
      GTEST_SKIP() << "nginx + libnginx-mod-rtmp not installed (scripts/install-deps.sh)"; \
    }                                                                                      \
  } while (0)

RelaySpec FilesSpec(std::vector<std::string> files, std::string dst) {
  RelaySpec spec;
  spec.kind = SourceKind::kFiles;
  spec.source_urls = std::move(files);
  spec.dst_url = std::move(dst);
  spec.timeouts = {3s, 3s};
  return spec;
}

void ExpectNonDecreasing(const std::vector<double>& dts, const std::string& what) {
  for (size_t i = 1; i < dts.size(); ++i) {
    ASSERT_GE(dts[i], dts[i - 1]) << what << " DTS goes back at packet " << i;
    ASSERT_LT(dts[i] - dts[i - 1], 0.5) << what << " gap of " << dts[i] - dts[i - 1] << " s";
  }
}

TEST(RelayPipelineTest, UrlPlaylistWithFileIndexOffsetAndRepeatArrivesAsOneContinuousStream) {
  REQUIRE_PEERS();
  test_support::TempDir dir;
  test_support::NginxRtmp nginx(dir.File("nginx"));
  ASSERT_TRUE(nginx.Up());
  test_support::MakeMedia(dir.File("a.mp4"), 4);
  test_support::MakeMedia(dir.File("b.flv"), 3);
  // Pass 1: b.flv from 1 s (2 s); repeat: a.mp4 (4 s) + b.flv (3 s) = 9 s in all.
  auto spec = FilesSpec({dir.File("a.mp4"), dir.File("b.flv")}, nginx.Url("b", "playlist"));
  spec.file_index = 1;
  spec.offset_s = 1;
  spec.repeat_number = 1;
  EventLog events;
  RelayPipeline pipeline(spec, events.Listener());
  const auto started = std::chrono::steady_clock::now();
  pipeline.Start();

  ASSERT_TRUE(events.WaitFor(Kind::kRunning, 5s));
  auto finished = events.WaitFor(Kind::kFinished, 20s);
  ASSERT_TRUE(finished) << "state " << static_cast<int>(pipeline.Status().state) << ": "
                        << pipeline.Status().error.detail;
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_GT(took, 8.0) << "file sources are paced at wall-clock speed";
  EXPECT_EQ(finished->position.file_index, 1);
  EXPECT_EQ(finished->position.remaining_repeats, 0);
  EXPECT_EQ(pipeline.Status().dts_fixes, 0);
  pipeline.Join();
  // Each file after the first is announced once it is open: the repeat's a.mp4, then b.flv.
  std::vector<std::pair<int, int>> switches;  // file index, remaining repeats
  for (const auto& event : events.All()) {
    if (event.kind != Kind::kItemSwitched) continue;
    switches.emplace_back(event.position.file_index, event.position.remaining_repeats);
    EXPECT_EQ(event.offset_s, 0.0) << "a new file starts at 0 s";
  }
  EXPECT_EQ(switches, (std::vector<std::pair<int, int>>{{0, 0}, {1, 0}}));

  const std::string recording = nginx.Recording("playlist");
  test_support::WaitForQuietFile(recording, 3s);
  auto video = test_support::ReadTimestamps(recording, "v:0");
  auto audio = test_support::ReadTimestamps(recording, "a:0");
  ASSERT_FALSE(video.dts.empty());
  ASSERT_FALSE(audio.dts.empty());
  EXPECT_NEAR(video.end - video.start, 9.0, 0.5);
  EXPECT_NEAR(audio.end - audio.start, 9.0, 0.5);
  EXPECT_NEAR(video.start, audio.start, 0.1) << "audio and video start together";
  ExpectNonDecreasing(video.dts, "video");
  ExpectNonDecreasing(audio.dts, "audio");
}

TEST(RelayPipelineTest, AFileWithAnotherResolutionIsPushedWithANewSequenceHeader) {
  REQUIRE_PEERS();
  test_support::TempDir dir;
  test_support::NginxRtmp nginx(dir.File("nginx"));
  ASSERT_TRUE(nginx.Up());
  test_support::MakeMedia(dir.File("small.mp4"), 2, "320x240");
  test_support::MakeMedia(dir.File("large.mp4"), 2, "640x360");
  EventLog events;
  RelayPipeline pipeline(
      FilesSpec({dir.File("small.mp4"), dir.File("large.mp4")}, nginx.Url("b", "sizes")),
      events.Listener());
  pipeline.Start();
  ASSERT_TRUE(events.WaitFor(Kind::kFinished, 10s)) << pipeline.Status().error.detail;
  pipeline.Join();

  const std::string recording = nginx.Recording("sizes");
  test_support::WaitForQuietFile(recording, 3s);
  auto text = test_support::Capture(
      "ffprobe -v error -select_streams v:0 -show_entries "
      "frame=width -of csv=p=0 '" +
      recording + "'");
  ASSERT_TRUE(text);
  std::vector<int> widths;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    if (int width = 0; std::sscanf(line.c_str(), "%d", &width) == 1) widths.push_back(width);
  }
  ASSERT_GE(widths.size(), 90u) << "about 4 s of 25 fps video";
  EXPECT_EQ(widths.front(), 320);
  EXPECT_EQ(widths.back(), 640) << "the second file decodes at its own size";
  auto errors = test_support::Capture("ffmpeg -v error -i '" + recording + "' -f null - 2>&1");
  ASSERT_TRUE(errors);
  EXPECT_EQ(*errors, "") << "the recording decodes cleanly";
}

// Both ways of relaying RTMP to RTMP: liverec's own client (rtmp_relay.h) and libavformat.
TEST(RelayPipelineTest, ALiveRtmpSourceArrivesAtTheDestination) {
  REQUIRE_PEERS();
  test_support::TempDir dir;
  test_support::NginxRtmp nginx(dir.File("nginx"));
  ASSERT_TRUE(nginx.Up());
  test_support::MakeMedia(dir.File("live.flv"), 8);
  for (const bool own : {true, false}) {
    SCOPED_TRACE(own ? "own RTMP client" : "libavformat");
    const std::string cam = own ? "cam1" : "cam2";
    const std::string relayed = own ? "relayed1" : "relayed2";
    const std::string publish = "ffmpeg -v error -re -i '" + dir.File("live.flv") +
                                "' -c copy -f flv '" + nginx.Url("a", cam) + "'";
    std::thread publisher([&] { EXPECT_EQ(std::system(publish.c_str()), 0) << publish; });

    RelaySpec spec;
    spec.kind = SourceKind::kRtmp;
    spec.own_rtmp = own;
    spec.source_urls = {nginx.Url("a", cam)};
    spec.dst_url = nginx.Url("b", relayed);
    spec.timeouts = {5s, 2s};
    EventLog events;
    RelayPipeline pipeline(spec, events.Listener());
    std::this_thread::sleep_for(500ms);  // let the publisher connect first (nginx: no GOP cache)
    pipeline.Start();
    ASSERT_TRUE(events.WaitFor(Kind::kRunning, 8s)) << pipeline.Status().error.detail;
    // The publisher ends after 8 s: nginx tells the player (own client: UnpublishNotify) or
    // keeps the play session idle (libavformat's read times out after 2 s); either way the
    // attempt fails as a live source that ended.
    auto failed = events.WaitFor(Kind::kFailed, 15s);
    publisher.join();
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->error.failure, RelayFailure::kPullStreamFailed) << failed->error.detail;
    pipeline.Join();

    const std::string recording = nginx.Recording(relayed);
    test_support::WaitForQuietFile(recording, 3s);
    auto video = test_support::ReadTimestamps(recording, "v:0");
    ASSERT_FALSE(video.dts.empty()) << "nothing was relayed";
    EXPECT_GT(video.end - video.start, 5.0);
    ExpectNonDecreasing(video.dts, "video");
    auto audio = test_support::ReadTimestamps(recording, "a:0");
    EXPECT_GT(audio.end - audio.start, 5.0);
    ExpectNonDecreasing(audio.dts, "audio");
    EXPECT_GT(pipeline.Status().packets, 100);
  }
}

TEST(RelayPipelineTest, ASourceThatIsDownFailsWithPullStreamFailedWithinTheTimeout) {
  if (!test_support::HaveFfmpeg()) GTEST_SKIP() << "ffmpeg not installed";
  RelaySpec spec;
  spec.kind = SourceKind::kRtmp;
  spec.source_urls = {"rtmp://127.0.0.1:" + std::to_string(test_support::FreePort()) + "/a/x"};
  spec.dst_url = "rtmp://127.0.0.1:" + std::to_string(test_support::FreePort()) + "/b/x";
  spec.timeouts = {2s, 2s};
  EventLog events;
  RelayPipeline pipeline(spec, events.Listener());
  pipeline.Start();
  auto failed = events.WaitFor(Kind::kFailed, 4s);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->error.failure, RelayFailure::kPullStreamFailed);
  EXPECT_NE(failed->error.detail.find("open rtmp://127.0.0.1"), std::string::npos)
      << failed->error.detail;
  EXPECT_FALSE(events.WaitFor(Kind::kRunning, 0ms));
}

TEST(RelayPipelineTest, ADestinationThatIsDownFailsWithPushStreamFailed) {
  if (!test_support::HaveFfmpeg()) GTEST_SKIP() << "ffmpeg not installed";
  test_support::TempDir dir;
  test_support::MakeMedia(dir.File("a.mp4"), 2);
  auto spec = FilesSpec({dir.File("a.mp4")},
                        "rtmp://127.0.0.1:" + std::to_string(test_support::FreePort()) + "/b/x");
  EventLog events;
  RelayPipeline pipeline(spec, events.Listener());
  pipeline.Start();
  auto failed = events.WaitFor(Kind::kFailed, 5s);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->error.failure, RelayFailure::kPushStreamFailed) << failed->error.detail;
  EXPECT_EQ(pipeline.Status().state, RelayPipeline::State::kFailed);
}

TEST(RelayPipelineTest, URLsTheAdmissionRefusesAreNeverOpened) {
  if (!test_support::HaveFfmpeg()) GTEST_SKIP() << "ffmpeg not installed";
  test_support::TempDir dir;
  test_support::MakeMedia(dir.File("a.mp4"), 2);
  const std::string dst = "rtmp://127.0.0.1:" + std::to_string(test_support::FreePort()) + "/b/x";
  std::vector<std::pair<std::string, bool>> asked;
  for (bool refuse_source : {true, false}) {
    auto spec = FilesSpec({dir.File("a.mp4")}, dst);
    spec.admit = [&, refuse_source](const std::string& url, bool is_source) {
      asked.emplace_back(url, is_source);
      return is_source == refuse_source ? std::optional<std::string>("a private address")
                                        : std::nullopt;
    };
    EventLog events;
    RelayPipeline pipeline(spec, events.Listener());
    pipeline.Start();
    auto failed = events.WaitFor(Kind::kFailed, 5s);
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->error.failure,
              refuse_source ? RelayFailure::kPullStreamFailed : RelayFailure::kPushStreamFailed);
    EXPECT_NE(failed->error.detail.find("not allowed on this server"), std::string::npos)
        << failed->error.detail;
    EXPECT_EQ(pipeline.Status().packets, 0);
  }
  ASSERT_EQ(asked.size(), 3u);  // the refused source; then the source and the refused destination
  EXPECT_TRUE(asked[0].second);
  EXPECT_TRUE(asked[1].second);
  EXPECT_EQ(asked[2], std::make_pair(dst, false));
}

TEST(RelayPipelineTest, StopDuringABlockedOpenReturnsWithinOneSecond) {
  // A listener that never answers: the RTMP handshake blocks until the open timeout (60 s).
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  RelaySpec spec;
  spec.kind = SourceKind::kRtmp;
  spec.source_urls = {"rtmp://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/a/x"};
  spec.dst_url = "rtmp://127.0.0.1:1/b/x";
  spec.timeouts = {60s, 60s};
  EventLog events;
  RelayPipeline pipeline(spec, events.Listener());
  pipeline.Start();
  std::this_thread::sleep_for(500ms);
  ASSERT_EQ(pipeline.Status().state, RelayPipeline::State::kConnecting);

  const auto asked = std::chrono::steady_clock::now();
  pipeline.RequestStop();
  pipeline.Join();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 1s);
  EXPECT_EQ(pipeline.Status().state, RelayPipeline::State::kStopped);
  EXPECT_TRUE(events.All().empty()) << "a stopped attempt reports no failure";
  close(fd);
}

TEST(RelayPipelineTest, ASourceWithACodecFlvCannotCarryIsRefusedBeforeConnecting) {
  if (!test_support::HaveFfmpeg()) GTEST_SKIP() << "ffmpeg not installed";
  test_support::TempDir dir;
  test_support::MakeMedia(dir.File("mpeg4.mp4"), 1, "320x240", "mpeg4");
  auto spec = FilesSpec({dir.File("mpeg4.mp4")}, "rtmp://127.0.0.1:1/b/x");
  EventLog events;
  RelayPipeline pipeline(spec, events.Listener());
  pipeline.Start();
  auto failed = events.WaitFor(Kind::kFailed, 5s);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->error.failure, RelayFailure::kPullStreamFailed);
  EXPECT_NE(failed->error.detail.find("video codec mpeg4"), std::string::npos)
      << failed->error.detail;
}

}  // namespace
}  // namespace liverec::relay::worker
