#include "relay/egress/connect_plan.h"

#include <gtest/gtest.h>

namespace liverec::relay::egress {
namespace {

using Options = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kProxy = "http://relay:0123@127.0.0.1:4000";

class ConnectPlanTest : public ::testing::Test {
 protected:
  ConnectPlanTest() {
    policy_.resolve = [this](const std::string& host) -> std::vector<std::string> {
      ++lookups_;
      if (host == "live.example.com") return {"203.0.113.5", "2001:db8::5"};
      if (host == "v6.example.com") return {"2001:db8::7"};
      if (host == "internal.example.com") return {"10.1.2.3"};
      // Rebinding: public for the first lookup, private for any later one.
      if (host == "rebind.example.com") {
        return lookups_ == 1 ? std::vector<std::string>{"198.51.100.9"}
                             : std::vector<std::string>{"127.0.0.1"};
      }
      return {};
    };
  }

  tl::expected<ConnectPlan, std::string> Plan(const std::string& url,
                                              std::string_view no_proxy = "") {
    return PlanConnection(url, policy_, kProxy, no_proxy);
  }

  UrlPolicy policy_;
  int lookups_ = 0;
};

TEST_F(ConnectPlanTest, HttpSourcesAndTheirNestedOpensGoThroughTheProxy) {
  for (const std::string url : {"http://live.example.com/a.flv", "https://cdn.example.com/a.m3u8",
                                "HTTPS://10.0.0.1/redirects-are-checked-by-the-proxy"}) {
    auto plan = Plan(url);
    ASSERT_TRUE(plan.has_value()) << plan.error();
    EXPECT_EQ(plan->url, url);
    EXPECT_EQ(plan->options, (Options{{"http_proxy", kProxy}, {"http_persistent", "0"}}));
    EXPECT_EQ(plan->nested_proxy, kProxy);
  }
  EXPECT_EQ(lookups_, 0);  // the proxy resolves, when libavformat connects
}

TEST_F(ConnectPlanTest, RtmpsGoesThroughTheProxySoTheNameStaysTheTlsServerName) {
  auto plan = Plan("rtmps://live.example.com/live/s");
  ASSERT_TRUE(plan.has_value()) << plan.error();
  EXPECT_EQ(plan->url, "rtmps://live.example.com/live/s");
  EXPECT_EQ(plan->options, (Options{{"http_proxy", kProxy}}));
  EXPECT_EQ(plan->nested_proxy, "");
}

TEST_F(ConnectPlanTest, RtmpIsPinnedToTheCheckedAddressAndKeepsTheNameInItsTcUrl) {
  auto plan = Plan("rtmp://live.example.com/live/s?auth_key=1-0-0-x");
  ASSERT_TRUE(plan.has_value()) << plan.error();
  EXPECT_EQ(plan->url, "rtmp://203.0.113.5/live/s?auth_key=1-0-0-x");
  EXPECT_EQ(plan->options, (Options{{"rtmp_tcurl", "rtmp://live.example.com:1935/live"}}));
  EXPECT_EQ(plan->nested_proxy, "");

  auto v6 = Plan("rtmp://v6.example.com:1936/live/s");
  ASSERT_TRUE(v6.has_value()) << v6.error();
  EXPECT_EQ(v6->url, "rtmp://[2001:db8::7]:1936/live/s");
}

TEST_F(ConnectPlanTest, SrtIsPinnedToTheCheckedAddress) {
  auto plan = Plan("srt://live.example.com:9000?streamid=#!::r=live/s");
  ASSERT_TRUE(plan.has_value()) << plan.error();
  EXPECT_EQ(plan->url, "srt://203.0.113.5:9000?streamid=#!::r=live/s");
  EXPECT_TRUE(plan->options.empty());
}

TEST_F(ConnectPlanTest, RtspIsPinnedToTheCheckedAddressAndRefusesRedirects) {
  auto plan = Plan("rtsp://live.example.com:8554/cam/1?token=x");
  ASSERT_TRUE(plan.has_value()) << plan.error();
  EXPECT_EQ(plan->url, "rtsp://203.0.113.5:8554/cam/1?token=x");
  EXPECT_TRUE(plan->options.empty());
  EXPECT_EQ(plan->nested_proxy, "");
  EXPECT_TRUE(plan->refuse_redirects);
  EXPECT_EQ(Plan("rtsp://v6.example.com/cam").value().url, "rtsp://[2001:db8::7]/cam");
  EXPECT_FALSE(Plan("rtmp://live.example.com/live/s").value().refuse_redirects);
  EXPECT_FALSE(Plan("rtsp://internal.example.com/cam").has_value());
  EXPECT_FALSE(Plan("rtsps://live.example.com/cam").has_value());
}

TEST_F(ConnectPlanTest, TheNameIsResolvedOnceAndTheConnectionUsesThatAnswer) {
  // What libavformat opens holds the checked address: it has no name left to resolve again.
  auto plan = Plan("rtmp://rebind.example.com/live/s");
  ASSERT_TRUE(plan.has_value()) << plan.error();
  EXPECT_EQ(lookups_, 1);
  EXPECT_EQ(plan->url, "rtmp://198.51.100.9/live/s");
  // A later attempt resolves afresh, and is refused.
  auto later = Plan("rtmp://rebind.example.com/live/s");
  ASSERT_FALSE(later.has_value());
  EXPECT_NE(later.error().find("127.0.0.1"), std::string::npos) << later.error();
}

TEST_F(ConnectPlanTest, RefusedHostsAreNotPlanned) {
  for (const std::string url : {"rtmp://internal.example.com/live/s", "rtmp://127.0.0.1/live/s",
                                "srt://[::1]:9000", "rtmp://localhost/live/s",
                                "rtmp://gone.example.com/live/s", "rtmp://u@live.example.com/a/s",
                                "udp://live.example.com:1234", "ftp://live.example.com/a"}) {
    auto plan = Plan(url);
    ASSERT_FALSE(plan.has_value()) << url;
    EXPECT_FALSE(plan.error().empty()) << url;
  }
  policy_.allow_private_addresses = true;
  EXPECT_EQ(Plan("rtmp://127.0.0.1/live/s").value().url, "rtmp://127.0.0.1/live/s");
}

TEST_F(ConnectPlanTest, NoProxyInTheEnvironmentRefusesProxiedUrlsOnly) {
  auto refused = Plan("https://cdn.example.com/a.m3u8", "localhost,127.0.0.1");
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().find("no_proxy"), std::string::npos);
  EXPECT_FALSE(Plan("rtmps://live.example.com/live/s", "*").has_value());
  EXPECT_TRUE(Plan("rtmp://live.example.com/live/s", "*").has_value());
  EXPECT_FALSE(PlanConnection("http://a.example.com/", policy_, "", "").has_value());
}

TEST_F(ConnectPlanTest, FilesAreOpenedAsGiven) {
  for (const std::string url : {"file:/srv/media/a.mp4", "file:///srv/media/a.mp4", "/srv/a.mp4"}) {
    auto plan = Plan(url);
    ASSERT_TRUE(plan.has_value()) << url;
    EXPECT_EQ(plan->url, url);
    EXPECT_TRUE(plan->options.empty());
    EXPECT_EQ(plan->nested_proxy, "");
  }
}

TEST(RtmpTcUrlTest, FollowsFfmpegsApplicationRules) {
  EXPECT_EQ(RtmpTcUrl("rtmp://h.example.com/app/stream"), "rtmp://h.example.com:1935/app");
  EXPECT_EQ(RtmpTcUrl("rtmp://h.example.com:1936/app/inst/stream"),
            "rtmp://h.example.com:1936/app/inst");
  EXPECT_EQ(RtmpTcUrl("rtmp://h.example.com/app/inst:x/stream"), "rtmp://h.example.com:1935/app");
  EXPECT_EQ(RtmpTcUrl("rtmp://h.example.com/app/s?vhost=d.example.com"),
            "rtmp://h.example.com:1935/app");
  EXPECT_EQ(RtmpTcUrl("rtmp://h.example.com/app"), "rtmp://h.example.com:1935/app");
  EXPECT_EQ(RtmpTcUrl("rtmp://h.example.com/ondemand/a/b"), "rtmp://h.example.com:1935/ondemand");
  EXPECT_EQ(RtmpTcUrl("rtmp://h.example.com/app?slist=s"), "rtmp://h.example.com:1935/app?slist=s");
  EXPECT_EQ(RtmpTcUrl("rtmps://h.example.com/app/s"), "rtmps://h.example.com:443/app");
  EXPECT_EQ(RtmpTcUrl("rtmp://[2001:db8::1]/a/s"), "rtmp://[2001:db8::1]:1935/a");
  EXPECT_EQ(RtmpTcUrl("rtmp://Mixed.Example.com/a/s"), "rtmp://Mixed.Example.com:1935/a");
}

TEST(PinHostTest, ReplacesOnlyTheHost) {
  EXPECT_EQ(PinHost("rtmp://a.example.com:1935/x/y?z=1", "192.0.2.1"),
            "rtmp://192.0.2.1:1935/x/y?z=1");
  EXPECT_EQ(PinHost("srt://[2001:db8::1]:9000?m=1", "2001:db8::2"), "srt://[2001:db8::2]:9000?m=1");
  EXPECT_EQ(PinHost("rtmp://a.example.com", "192.0.2.1"), "rtmp://192.0.2.1");
}

TEST(NestedUrlTest, OnlyHttpAndEncryptedHttpMayBeOpenedByTheDemuxer) {
  for (const char* url :
       {"http://a/b.ts", "HTTPS://a/b.ts", "crypto+http://a/b.ts", "crypto:https://a/key"}) {
    EXPECT_TRUE(NestedUrlAllowed(url)) << url;
  }
  for (const char* url :
       {"file:/etc/passwd", "/etc/passwd", "crypto+file:/k", "crypto:file:/k", "data:text/plain,x",
        "tcp://a:1", "udp://a:1", "concat:a|b", "hls+http://a"}) {
    EXPECT_FALSE(NestedUrlAllowed(url)) << url;
  }
}

}  // namespace
}  // namespace liverec::relay::egress
