#include "relay/worker/relay_spec.h"

#include <gtest/gtest.h>

namespace liverec::relay::worker {
namespace {

RelayJob LiveJob(const std::string& protocol, const std::string& url) {
  RelayJob job;
  job.task_id = "t1";
  job.source_type = "live";
  job.source_protocol = protocol;
  job.source_urls = {url};
  job.dst_url = "rtmp://127.0.0.1/live/out";
  return job;
}

TEST(RelaySpecTest, LiveProtocolsBecomeSourceKinds) {
  EXPECT_EQ(SpecFromJob(LiveJob("rtmp", "rtmp://h/a/s"), {})->kind, SourceKind::kRtmp);
  EXPECT_EQ(SpecFromJob(LiveJob("http-flv", "http://h/a/s.flv"), {})->kind, SourceKind::kHttpFlv);
  EXPECT_EQ(SpecFromJob(LiveJob("flv", "http://h/a/s.flv"), {})->kind, SourceKind::kHttpFlv);
  EXPECT_EQ(SpecFromJob(LiveJob("hls", "https://h/a/s.m3u8"), {})->kind, SourceKind::kHls);
  EXPECT_EQ(SpecFromJob(LiveJob("srt", "srt://h:9000"), {})->kind, SourceKind::kSrt);
  EXPECT_EQ(SpecFromJob(LiveJob("rtsp", "rtsp://h:8554/s"), {})->kind, SourceKind::kRtsp);
}

TEST(RelaySpecTest, JobsTheWorkerCannotRunAreRefusedAsUnknownError) {
  auto wrong_scheme = SpecFromJob(LiveJob("rtmp", "http://h/a/s.flv"), {});
  ASSERT_FALSE(wrong_scheme);
  EXPECT_EQ(wrong_scheme.error().failure, RelayFailure::kUnknownError);
  EXPECT_FALSE(SpecFromJob(LiveJob("webrtc", "rtmp://h/a/s"), {}));
  auto bad_dst = LiveJob("rtmp", "rtmp://h/a/s");
  bad_dst.dst_url = "file:///tmp/out.flv";
  EXPECT_FALSE(SpecFromJob(bad_dst, {}));

  RelayJob files;
  files.source_type = "url";
  files.source_urls = {"http://h/a.mp4", "/media/b.flv"};
  files.dst_url = "rtmp://h/live/s";
  files.file_index = 2;
  EXPECT_FALSE(SpecFromJob(files, {})) << "FileIndex past the list";
  files.file_index = 1;
  files.offset_s = 5;
  files.repeat_number = -1;
  auto spec = SpecFromJob(files, {});
  ASSERT_TRUE(spec) << spec.error().detail;
  EXPECT_EQ(spec->kind, SourceKind::kFiles);
  EXPECT_EQ(spec->offset_s, 5);
  files.source_urls.push_back("udp://h:1234");
  EXPECT_FALSE(SpecFromJob(files, {})) << "udp is no file source";
}

TEST(RelaySpecTest, WhitelistsKeepEachSourceToItsOwnProtocols) {
  EXPECT_EQ(SourceProtocolWhitelist(SourceKind::kRtmp, "rtmp://h/a/s"), "rtmp,tcp");
  EXPECT_EQ(SourceProtocolWhitelist(SourceKind::kRtmp, "RTMPS://h/a/s"), "rtmps,tls,tcp,httpproxy");
  EXPECT_EQ(SourceProtocolWhitelist(SourceKind::kHls, "http://h/s.m3u8"),
            "http,https,tls,tcp,httpproxy,crypto");
  EXPECT_EQ(SourceProtocolWhitelist(SourceKind::kSrt, "srt://h:1"), "srt");
  EXPECT_EQ(SourceProtocolWhitelist(SourceKind::kFiles, "/media/a.mp4"), "file");
  EXPECT_EQ(SourceProtocolWhitelist(SourceKind::kFiles, "file:///media/a.mp4"), "file");
  EXPECT_EQ(SourceProtocolWhitelist(SourceKind::kFiles, "https://h/a.mp4"),
            "http,https,tls,tcp,httpproxy");
  EXPECT_EQ(SourceProtocolWhitelist(SourceKind::kHls, "file:///etc/passwd"), std::nullopt);
  EXPECT_EQ(SourceProtocolWhitelist(SourceKind::kFiles, "concat:/a|/b"), std::nullopt);
  EXPECT_EQ(SourceProtocolWhitelist(SourceKind::kHttpFlv, "://nothing"), std::nullopt);
  EXPECT_EQ(DestinationProtocolWhitelist("rtmp://h/live/s"), "rtmp,tcp");
  EXPECT_EQ(DestinationProtocolWhitelist("http://h/live/s"), std::nullopt);
  EXPECT_EQ(SourceFormatWhitelist(SourceKind::kFiles), "mov,flv");
}

TEST(RelaySpecTest, AnRtspSourceMayOpenItsOneTcpConnectionAndNoUdpOrRtp) {
  EXPECT_EQ(SourceProtocolWhitelist(SourceKind::kRtsp, "rtsp://h:8554/s"), "tcp");
  EXPECT_EQ(SourceProtocolWhitelist(SourceKind::kRtsp, "rtsps://h/s"), std::nullopt);
  EXPECT_EQ(SourceProtocolWhitelist(SourceKind::kRtsp, "rtp://h:5004"), std::nullopt);
  EXPECT_EQ(SourceProtocolWhitelist(SourceKind::kRtsp, "http://h/s"), std::nullopt);
  EXPECT_EQ(SourceProtocolWhitelist(SourceKind::kRtmp, "rtsp://h/s"), std::nullopt);
  EXPECT_EQ(SourceFormatWhitelist(SourceKind::kRtsp), "rtsp");
  EXPECT_FALSE(SpecFromJob(LiveJob("rtsp", "rtsps://h/s"), {}));
}

}  // namespace
}  // namespace liverec::relay::worker
