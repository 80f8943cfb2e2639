#include "api/watch_path.h"

#include <gtest/gtest.h>

namespace liverec::api {
namespace {

TEST(WatchPathTest, APathRoundTripsAndItsSegmentsAreEncodedForTheUrl) {
  WatchTarget target{"local", "records", "live.example.com", "live", "cam 1", 1700000000};
  EXPECT_EQ(WatchPath(target), "/_watch/local/records/live.example.com/live/cam 1/1700000000.m3u8");
  EXPECT_EQ(EncodedWatchPath(target),
            "/_watch/local/records/live.example.com/live/cam%201/1700000000.m3u8");
  auto parsed = ParseWatchPath(WatchPath(target));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->endpoint, "local");
  EXPECT_EQ(parsed->bucket, "records");
  EXPECT_EQ(parsed->domain, "live.example.com");
  EXPECT_EQ(parsed->app, "live");
  EXPECT_EQ(parsed->stream, "cam 1");
  EXPECT_EQ(parsed->start_s, 1700000000);
}

TEST(WatchPathTest, AnAppNameMayHoldASlash) {
  auto parsed = ParseWatchPath("/_watch/e/b/d.com/a/b/s/5.m3u8");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->app, "a/b");
  EXPECT_EQ(parsed->stream, "s");
  EXPECT_EQ(EncodedWatchPath(*parsed), "/_watch/e/b/d.com/a/b/s/5.m3u8");
}

TEST(WatchPathTest, AnythingElseIsNotAWatchPath) {
  for (const char* path :
       {"/_watch/", "/_watch/e/b/d/a/s.m3u8", "/_watch/e/b/d/a/s/x.m3u8", "/_watch/e/b/d/a/s/1.ts",
        "/_watch/e/b//a/s/1.m3u8", "/_watch/e/b/d/a/s/.m3u8", "/records/e/b/d/a/s/1.m3u8",
        "/_watch/e/b/d/a/s/123456789012.m3u8", "/_watch/e/b/d/a/s/-1.m3u8"}) {
    EXPECT_FALSE(ParseWatchPath(path)) << path;
  }
}

}  // namespace
}  // namespace liverec::api
