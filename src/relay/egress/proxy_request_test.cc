#include "relay/egress/proxy_request.h"

#include <gtest/gtest.h>

namespace liverec::relay::egress {
namespace {

// What libavformat 5.1's http protocol sends through a proxy (http.c, http_connect).
constexpr std::string_view kFfmpegGet =
    "GET http://cdn.example.com:80/live/a.flv?token=s3cret HTTP/1.1\r\n"
    "User-Agent: Lavf/59.27.100\r\n"
    "Accept: */*\r\n"
    "Range: bytes=0-\r\n"
    "Connection: close\r\n"
    "Host: cdn.example.com\r\n"
    "Icy-MetaData: 1\r\n"
    "Proxy-Authorization: Basic bGl2ZXJlYzpzZWNyZXQ=\r\n"
    "\r\n";

// What its httpproxy protocol sends for tls (https, rtmps).
constexpr std::string_view kFfmpegConnect =
    "CONNECT cdn.example.com:443 HTTP/1.1\r\n"
    "Host: cdn.example.com:443\r\n"
    "Connection: close\r\n"
    "Proxy-Authorization: Basic bGl2ZXJlYzpzZWNyZXQ=\r\n"
    "\r\n";

TEST(ProxyRequestTest, ConnectNamesTheTunnelsHostPortAndCredentials) {
  auto request = ParseProxyRequest(kFfmpegConnect);
  ASSERT_TRUE(request.has_value()) << request.error().reason;
  EXPECT_EQ(request->kind, ProxyRequest::Kind::kConnect);
  EXPECT_EQ(request->host, "cdn.example.com");
  EXPECT_EQ(request->port, 443);
  EXPECT_EQ(request->credentials, "Basic bGl2ZXJlYzpzZWNyZXQ=");
  EXPECT_EQ(request->for_logs, "CONNECT cdn.example.com:443");

  auto v6 = ParseProxyRequest("CONNECT [2001:db8::1]:8443 HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(v6.has_value()) << v6.error().reason;
  EXPECT_EQ(v6->host, "2001:db8::1");
  EXPECT_EQ(v6->port, 8443);
  EXPECT_EQ(v6->credentials, "");
}

TEST(ProxyRequestTest, AbsoluteFormGetIsRewrittenToOriginFormWithoutProxyHeaders) {
  auto request = ParseProxyRequest(kFfmpegGet);
  ASSERT_TRUE(request.has_value()) << request.error().reason;
  EXPECT_EQ(request->kind, ProxyRequest::Kind::kForward);
  EXPECT_EQ(request->host, "cdn.example.com");
  EXPECT_EQ(request->port, 80);
  EXPECT_EQ(request->credentials, "Basic bGl2ZXJlYzpzZWNyZXQ=");
  EXPECT_EQ(request->forward_head,
            "GET /live/a.flv?token=s3cret HTTP/1.1\r\n"
            "Host: cdn.example.com\r\n"
            "User-Agent: Lavf/59.27.100\r\n"
            "Accept: */*\r\n"
            "Range: bytes=0-\r\n"
            "Icy-MetaData: 1\r\n"
            "Connection: close\r\n\r\n");
  EXPECT_EQ(request->for_logs, "GET http://cdn.example.com:80/live/a.flv");  // no query

  // Without a Host header, the target's authority; the Host never chooses the destination.
  auto bare = ParseProxyRequest("GET http://Example.COM?x=1 HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(bare.has_value()) << bare.error().reason;
  EXPECT_EQ(bare->host, "example.com");
  EXPECT_EQ(bare->port, 80);
  EXPECT_EQ(bare->forward_head,
            "GET /?x=1 HTTP/1.1\r\nHost: Example.COM\r\nConnection: close\r\n\r\n");
  auto other =
      ParseProxyRequest("GET http://a.example.com/ HTTP/1.1\r\nHost: b.example.com\r\n\r\n");
  ASSERT_TRUE(other.has_value()) << other.error().reason;
  EXPECT_EQ(other->host, "a.example.com");
}

TEST(ProxyRequestTest, HeadersNamedByConnectionAreNotForwarded) {
  auto request = ParseProxyRequest(
      "GET http://a.example.com/x HTTP/1.1\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n"
      "X-End: 2\r\n\r\n");
  ASSERT_TRUE(request.has_value()) << request.error().reason;
  EXPECT_EQ(request->forward_head,
            "GET /x HTTP/1.1\r\nHost: a.example.com\r\nX-End: 2\r\nConnection: close\r\n\r\n");
}

TEST(ProxyRequestTest, AnythingElseIsRefusedWithAStatus) {
  struct Case {
    std::string head;
    int status;
  };
  for (const auto& [head, status] : std::vector<Case>{
           {"POST http://a.example.com/ HTTP/1.1\r\n\r\n", 405},
           {"GET /relative HTTP/1.1\r\n\r\n", 400},
           {"GET https://a.example.com/ HTTP/1.1\r\n\r\n", 400},
           {"GET ftp://a.example.com/ HTTP/1.1\r\n\r\n", 400},
           {"GET http://user@a.example.com/ HTTP/1.1\r\n\r\n", 400},
           {"GET http://a.example.com:0/ HTTP/1.1\r\n\r\n", 400},
           {"GET http://a.example.com/ HTTP/2\r\n\r\n", 400},
           {"GET  http://a.example.com/ HTTP/1.1\r\n\r\n", 400},
           {"GET http://a.example.com/ HTTP/1.1\r\nContent-Length: 5\r\n\r\n", 400},
           {"GET http://a.example.com/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
           {"GET http://a.example.com/ HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", 400},
           {"GET http://a.example.com/ HTTP/1.1\r\nX: a\nY: b\r\n\r\n", 400},
           {"GET http://a.example.com/ HTTP/1.1\r\nProxy-Authorization: a\r\n"
            "Proxy-Authorization: b\r\n\r\n",
            400},
           {"CONNECT a.example.com HTTP/1.1\r\n\r\n", 400},
           {"CONNECT a.example.com:443/x HTTP/1.1\r\n\r\n", 400},
           {"CONNECT a.example.com:443 HTTP/1.1\r\n", 400},
       }) {
    auto request = ParseProxyRequest(head);
    ASSERT_FALSE(request.has_value()) << head;
    EXPECT_EQ(request.error().status, status) << head;
    EXPECT_FALSE(request.error().reason.empty()) << head;
  }
}

TEST(ProxyRequestTest, RefusalsAreCompleteResponsesAnd407AsksForBasicCredentials) {
  std::string forbidden = RefusalResponse({403, "10.0.0.1 is not publicly routable"});
  EXPECT_TRUE(forbidden.starts_with("HTTP/1.1 403 Forbidden\r\n"));
  EXPECT_NE(forbidden.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(
      forbidden.ends_with("\r\n\r\nliverec relay egress: 10.0.0.1 is not publicly routable\n"));
  EXPECT_EQ(forbidden.find("Proxy-Authenticate"), std::string::npos);
  std::string ask = RefusalResponse({407, "credentials needed"});
  EXPECT_TRUE(ask.starts_with("HTTP/1.1 407 Proxy Authentication Required\r\n"));
  EXPECT_NE(ask.find("Proxy-Authenticate: Basic realm=\"liverec relay\"\r\n"), std::string::npos);
}

TEST(ProxyRequestTest, TheHeadReaderStopsAtTheBlankLineAndAtTheLimit) {
  ProxyHeadReader reader;
  EXPECT_EQ(reader.Feed("CONNECT a.example.com:443 HTTP/1.1\r\nHost: a\r"),
            ProxyHeadReader::State::kNeedMore);
  EXPECT_EQ(reader.Feed("\n\r"), ProxyHeadReader::State::kNeedMore);
  EXPECT_EQ(reader.Feed("\n\x16\x03\x01"), ProxyHeadReader::State::kComplete);
  EXPECT_EQ(reader.head(), "CONNECT a.example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(reader.rest(), "\x16\x03\x01");

  ProxyHeadReader big;
  EXPECT_EQ(big.Feed("GET http://a.example.com/ HTTP/1.1\r\n"), ProxyHeadReader::State::kNeedMore);
  EXPECT_EQ(big.Feed(std::string(kMaxRequestHead, 'x')), ProxyHeadReader::State::kTooLarge);
}

}  // namespace
}  // namespace liverec::relay::egress
