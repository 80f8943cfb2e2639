#include "relay/worker/rtmp_endpoint.h"

#include <gtest/gtest.h>

namespace liverec::relay::worker {
namespace {

std::optional<RtmpEndpoint> Of(const std::string& url, std::string tc_url_option = "") {
  egress::ConnectPlan plan{url, {}, {}};
  if (!tc_url_option.empty()) plan.options.emplace_back("rtmp_tcurl", tc_url_option);
  return RtmpEndpointOf(plan);
}

TEST(RtmpEndpointTest, APlainUrlGivesHostPortAppStreamAndFfmpegsTcUrl) {
  auto e = Of("rtmp://src.example.com/live/s1?auth_key=1-0-0-abc");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->host, "src.example.com");
  EXPECT_EQ(e->port, 1935);
  EXPECT_EQ(e->app, "live");
  EXPECT_EQ(e->stream, "s1?auth_key=1-0-0-abc");
  EXPECT_EQ(e->tc_url, "rtmp://src.example.com:1935/live");
}

TEST(RtmpEndpointTest, APinnedUrlKeepsTheNameInTheTcUrlOfThePlan) {
  auto e = Of("RTMP://[2001:db8::1]:1936/app/cam", "rtmp://cams.example.com:1936/app");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->host, "2001:db8::1");
  EXPECT_EQ(e->port, 1936);
  EXPECT_EQ(e->tc_url, "rtmp://cams.example.com:1936/app");
  auto v4 = Of("rtmp://127.0.0.1:19350/live/s1");
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 19350);
}

TEST(RtmpEndpointTest, UrlsWhoseMeaningIsLibavformatsStayWithIt) {
  for (const char* url : {
           "rtmps://h/live/s1",         // TLS
           "rtmp://user:pw@h/live/s1",  // user info
           "rtmp://h/live",             // no stream
           "rtmp://h/live/",            // empty stream
           "rtmp://h//s1",              // empty application
           "rtmp://h/live/inst/s1",     // application instance
           "rtmp://h/live?vhost=a/s1",  // query on the application
           "rtmp://h/vod/movie.flv",    // FFmpeg strips .flv
           "rtmp://h/vod/movie.MP4",    // and prefixes mp4:
           "rtmp://h/vod/mp4:movie",    // explicit prefix
           "rtmp://h:99999/live/s1",    // bad port
           "rtmp://h:12ab/live/s1",     // bad port
           "rtmp://[::1/live/s1",       // bad address
           "rtmp://h/live/s1#frag",     // fragment
           "http://h/live/s1",          // another scheme
       }) {
    EXPECT_FALSE(Of(url).has_value()) << url;
  }
}

}  // namespace
}  // namespace liverec::relay::worker
