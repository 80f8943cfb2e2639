// S3 endpoints and request URLs: path-style and virtual-hosted, SigV4 key encoding.
#include "storage/s3/s3_url.h"

#include <gtest/gtest.h>

namespace liverec::storage {
namespace {

TEST(S3EndpointTest, ParsesSchemesHostsAndPorts) {
  auto a = ParseS3Endpoint("http://127.0.0.1:9000");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->scheme, "http");
  EXPECT_EQ(a->Authority(), "127.0.0.1:9000");
  auto b = ParseS3Endpoint("https://s3.eu-west-1.amazonaws.com/");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->Authority(), "s3.eu-west-1.amazonaws.com");
  auto c = ParseS3Endpoint("http://[::1]:9000");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->Authority(), "[::1]:9000");
  for (const char* bad :
       {"s3.amazonaws.com", "ftp://h", "http://", "http://h/path", "http://h:0", "http://h:99999",
        "http://h:x", "http://u@h", "http://h?x", "http://::1"}) {
    EXPECT_FALSE(ParseS3Endpoint(bad)) << bad;
  }
}

TEST(S3UrlTest, PathStyleAndVirtualHostedUrls) {
  S3UrlBuilder path(*ParseS3Endpoint("http://127.0.0.1:9000"), "media", true);
  EXPECT_EQ(path.ObjectUrl("a/b c.ts"), "http://127.0.0.1:9000/media/a/b%20c.ts");
  EXPECT_EQ(path.ObjectUrl("k", {{"uploadId", "x/y"}, {"partNumber", "2"}}),
            "http://127.0.0.1:9000/media/k?partNumber=2&uploadId=x%2Fy");
  EXPECT_EQ(path.BucketUrl({{"prefix", "a/"}, {"list-type", "2"}}),
            "http://127.0.0.1:9000/media/?list-type=2&prefix=a%2F");
  EXPECT_EQ(path.PublicBaseUrl(), "http://127.0.0.1:9000/media");
  S3UrlBuilder vhost(*ParseS3Endpoint("https://s3.amazonaws.com"), "media", false);
  EXPECT_EQ(vhost.ObjectUrl("a.ts", {{"uploads", ""}}),
            "https://media.s3.amazonaws.com/a.ts?uploads=");
  EXPECT_EQ(vhost.PublicBaseUrl(), "https://media.s3.amazonaws.com");
}

TEST(S3UrlTest, HostAndObjectPathAreThePartsOfTheObjectUrl) {
  S3UrlBuilder path(*ParseS3Endpoint("http://127.0.0.1:9000"), "media", true);
  EXPECT_EQ(path.Host(), "127.0.0.1:9000");
  EXPECT_EQ(path.ObjectPath("a/b c.ts"), "/media/a/b%20c.ts");
  S3UrlBuilder vhost(*ParseS3Endpoint("https://s3.amazonaws.com:8443"), "media", false);
  EXPECT_EQ(vhost.Host(), "media.s3.amazonaws.com:8443");
  EXPECT_EQ(vhost.ObjectPath("a/b c.ts"), "/a/b%20c.ts");
  EXPECT_EQ(vhost.ObjectUrl("a/b c.ts"), "https://media.s3.amazonaws.com:8443/a/b%20c.ts");
}

TEST(S3UrlTest, KeysAreEncodedPerSigV4WithSlashesKept) {
  EXPECT_EQ(EncodeKeyPath("record/live/s1/2026-01-02-15:04:05.ts"),
            "record/live/s1/2026-01-02-15%3A04%3A05.ts");
  EXPECT_EQ(EncodeKeyPath("a+b=c&d/~x_y-z.w"), "a%2Bb%3Dc%26d/~x_y-z.w");
  EXPECT_EQ(EncodeKeyPath("caf\xC3\xA9 *"), "caf%C3%A9%20%2A");
}

}  // namespace
}  // namespace liverec::storage
