#include "server/bucket_access.h"

#include <gtest/gtest.h>

namespace liverec::server {
namespace {

constexpr std::string_view kPublicUrl = "http://127.0.0.1:8080";

BucketAccessEntry Local(std::string name, bool is_private, std::string account = "default") {
  BucketAccessEntry b;
  b.account = std::move(account);
  b.endpoint = "local";
  b.name = std::move(name);
  b.served = true;
  b.is_private = is_private;
  b.url_key = "key-of-" + b.name + "-0123456789";
  b.url_expiry_s = 600;
  return b;
}

BucketAccessEntry S3(std::string name, bool is_private) {
  BucketAccessEntry b;
  b.account = "default";
  b.endpoint = "s3.test";
  b.name = name;
  b.is_private = is_private;
  b.base_url = "http://127.0.0.1:9000/remote-" + name;
  b.presign = [name](std::string_view key, int64_t now_s, int64_t lifetime_s) {
    return "presigned:" + name + "/" + std::string(key) + "@" + std::to_string(now_s) + "+" +
           std::to_string(lifetime_s);
  };
  b.url_key = "key-of-" + name + "-0123456789";
  b.read = [](const std::string& key) -> Result<std::vector<uint8_t>> {
    if (key != "index/live/s1/whole.m3u8") return Error(ErrorCode::kObjectNotFound);
    std::string text = "#EXTM3U\n#EXTINF:10.000,\n../../../record/live/s1/1_0.ts\n#EXT-X-ENDLIST\n";
    return std::vector<uint8_t>(text.begin(), text.end());
  };
  return b;
}

class BucketAccessTest : public ::testing::Test {
 protected:
  BucketAccessTest()
      : access_({Local("records", true), Local("open", false), Local("records-2", true),
                 Local("theirs", true, "tenant-b"), S3("cloud", true), S3("cdn", false)},
                std::string(kPublicUrl), clock_, random_) {}

  // The query of `url` (after '?'), or "".
  static std::string_view QueryOf(std::string_view url) {
    auto q = url.find('?');
    return q == std::string_view::npos ? "" : url.substr(q + 1);
  }

  FakeClock clock_{1'000'000'000};  // 1 000 000 s
  SeededRandom random_{7};
  BucketAccess access_;
};

TEST_F(BucketAccessTest, APrivateBucketsUrlIsSignedForItsExpiry) {
  std::string url = access_.ObjectUrl("local", "records", "record/live/s1/a b.m3u8");
  ASSERT_TRUE(url.starts_with("http://127.0.0.1:8080/records/record/live/s1/a%20b.m3u8?auth_key="))
      << url;
  EXPECT_NE(url.find("?auth_key=1000600-"), std::string::npos) << "expires in 600 s: " << url;
  auto admitted = access_.Admit("records", "/records/record/live/s1/a b.m3u8", QueryOf(url));
  EXPECT_TRUE(admitted.allowed);
  EXPECT_TRUE(admitted.by_token);
  EXPECT_EQ(admitted.expires_s, 1'000'600);
  clock_.AdvanceMs(601'000);
  admitted = access_.Admit("records", "/records/record/live/s1/a b.m3u8", QueryOf(url));
  EXPECT_FALSE(admitted.allowed);
  EXPECT_EQ(admitted.check, storage::UrlTokenCheck::kExpired);
}

TEST_F(BucketAccessTest, APublicReadBucketsUrlIsPlainAndNeedsNoToken) {
  EXPECT_EQ(access_.ObjectUrl("local", "open", "a/b.ts"), "http://127.0.0.1:8080/open/a/b.ts");
  auto admitted = access_.Admit("open", "/open/a/b.ts", "");
  EXPECT_TRUE(admitted.allowed);
  EXPECT_FALSE(admitted.by_token);
}

TEST_F(BucketAccessTest, UnsignedUnknownOrForeignRequestsAreRefused) {
  EXPECT_FALSE(access_.Admit("records", "/records/a.ts", "").allowed);
  EXPECT_FALSE(access_.Admit("nope", "/nope/a.ts", "").allowed);
  std::string url = access_.ObjectUrl("local", "records", "a.ts");
  EXPECT_FALSE(access_.Admit("records-2", "/records-2/a.ts", QueryOf(url)).allowed)
      << "a token of one bucket in another";
  EXPECT_FALSE(access_.Admit("records", "/records/b.ts", QueryOf(url)).allowed);
}

TEST_F(BucketAccessTest, APrefixUrlCoversTheFolderOnly) {
  auto url = access_.SignedUrl("local", "records", "record/live/s1/", true, 60);
  ASSERT_TRUE(url) << url.error().ToString();
  EXPECT_TRUE(url->starts_with("http://127.0.0.1:8080/records/record/live/s1/?auth_prefix="))
      << *url;
  EXPECT_TRUE(access_.Admit("records", "/records/record/live/s1/x.ts", QueryOf(*url)).allowed);
  EXPECT_FALSE(access_.Admit("records", "/records/record/live/s2/x.ts", QueryOf(*url)).allowed);
}

TEST_F(BucketAccessTest, SignedUrlsRefuseWhatCannotBeSigned) {
  EXPECT_FALSE(access_.SignedUrl("local", "nope", "a.ts", false, 60));
  EXPECT_FALSE(access_.SignedUrl("local", "records", "a.ts", false, -1));
  EXPECT_NE(access_.SignedUrl("local", "records", "a.ts", false, 0)->find("?auth_key=1000600-"),
            std::string::npos)
      << "0: the bucket's url_expiry_s";
  EXPECT_FALSE(access_.SignedUrl("local", "records", "a.ts", false, 604'801));
  EXPECT_TRUE(access_.SignedUrl("local", "records", "a.ts", false, 604'800));
  EXPECT_FALSE(access_.SignedUrl("s3.test", "cloud", "a/", true, 60))
      << "presigned URLs name one object";
}

TEST_F(BucketAccessTest, S3UrlsArePresignedWhenPrivateAndPlainWhenPublic) {
  EXPECT_EQ(access_.ObjectUrl("s3.test", "cloud", "a/b.mp4"),
            "presigned:cloud/a/b.mp4@1000000+3600");
  EXPECT_EQ(access_.ObjectUrl("s3.test", "cdn", "a/b c.mp4"),
            "http://127.0.0.1:9000/remote-cdn/a/b%20c.mp4");
}

TEST_F(BucketAccessTest, APrivateS3PlaylistIsServedByLiverecWithItsSegmentsPresigned) {
  std::string url = access_.ObjectUrl("s3.test", "cloud", "index/live/s1/whole.m3u8");
  const std::string path = "/_playlists/s3.test/cloud/index/live/s1/whole.m3u8";
  ASSERT_TRUE(url.starts_with("http://127.0.0.1:8080" + path + "?auth_key=1003600-")) << url;
  RemotePlaylist playlist = access_.ReadRemotePlaylist(path, QueryOf(url));
  ASSERT_EQ(playlist.status, 200);
  EXPECT_EQ(playlist.text,
            "#EXTM3U\n#EXTINF:10.000,\npresigned:cloud/record/live/s1/1_0.ts@1000000+3600\n"
            "#EXT-X-ENDLIST\n");
  EXPECT_EQ(access_.ReadRemotePlaylist(path, "").status, 403);
  EXPECT_EQ(
      access_.ReadRemotePlaylist("/_playlists/s3.test/cdn/index/live/s1/whole.m3u8", QueryOf(url))
          .status,
      403)
      << "a public-read bucket's playlists are read at the service";
  auto missing = access_.SignedUrl("s3.test", "cloud", "index/live/s1/gone.m3u8", false, 60);
  ASSERT_TRUE(missing);
  EXPECT_EQ(access_
                .ReadRemotePlaylist("/_playlists/s3.test/cloud/index/live/s1/gone.m3u8",
                                    QueryOf(*missing))
                .status,
            404);
  EXPECT_EQ(access_.ObjectUrl("s3.test", "cloud", "a/b.mp4"),
            "presigned:cloud/a/b.mp4@1000000+3600")
      << "other objects are presigned at the service";
}

TEST_F(BucketAccessTest, APlaylistsSegmentsGetTokensForTheirOwnPathsUntilThePlaylistsExpiry) {
  std::string playlist =
      "#EXTM3U\n#EXTINF:10.000,\n../../record/live/s1/1_0.ts\n#EXTINF:10.000,\n"
      "http://127.0.0.1:8080/records-2/x/2_1.ts\n#EXTINF:10.000,\n"
      "http://127.0.0.1:8080/open/x/3_2.ts\n#EXTINF:10.000,\n"
      "http://127.0.0.1:8080/theirs/x/4_3.ts\n#EXTINF:10.000,\n"
      "http://127.0.0.1:9000/remote-cloud/x/5%204.ts\n#EXTINF:10.000,\n"
      "http://elsewhere.example.com/6_5.ts\n#EXT-X-ENDLIST\n";
  std::string signed_text =
      access_.SignPlaylist("records", "/records/index/live/whole.m3u8", playlist, 1'000'100);
  std::vector<std::string> lines;
  for (size_t start = 0; start < signed_text.size();) {
    auto end = signed_text.find('\n', start);
    std::string line = signed_text.substr(start, end - start);
    if (!line.empty() && line[0] != '#') lines.push_back(line);
    start = end + 1;
  }
  ASSERT_EQ(lines.size(), 6u) << signed_text;
  ASSERT_TRUE(lines[0].starts_with("../../record/live/s1/1_0.ts?auth_key=1000100-")) << lines[0];
  EXPECT_TRUE(
      access_.Admit("records", "/records/record/live/s1/1_0.ts", QueryOf(lines[0])).allowed);
  EXPECT_FALSE(
      access_.Admit("records", "/records/record/live/s1/1_1.ts", QueryOf(lines[0])).allowed)
      << "each token is for its own segment";
  ASSERT_TRUE(lines[1].starts_with("http://127.0.0.1:8080/records-2/x/2_1.ts?auth_key="))
      << lines[1];
  EXPECT_TRUE(access_.Admit("records-2", "/records-2/x/2_1.ts", QueryOf(lines[1])).allowed)
      << "another private bucket of the same account";
  EXPECT_EQ(lines[2], "http://127.0.0.1:8080/open/x/3_2.ts") << "public-read needs nothing";
  EXPECT_EQ(lines[3], "http://127.0.0.1:8080/theirs/x/4_3.ts") << "never another account's";
  EXPECT_EQ(lines[4], "presigned:cloud/x/5 4.ts@1000000+100") << "only what is left of the expiry";
  EXPECT_EQ(lines[5], "http://elsewhere.example.com/6_5.ts");
  clock_.SetMs(1'000'101'000);
  EXPECT_FALSE(
      access_.Admit("records", "/records/record/live/s1/1_0.ts", QueryOf(lines[0])).allowed)
      << "the segments expire with the playlist";
}

}  // namespace
}  // namespace liverec::server

namespace liverec::server {
namespace {

TEST(BucketAccessReplaceTest, AReplacedTableAppliesToTheNextRequest) {
  FakeClock clock{1'000'000'000};
  SeededRandom random{3};
  BucketAccessEntry records;
  records.account = "default";
  records.endpoint = "local";
  records.name = "records";
  records.served = true;
  records.is_private = true;
  records.url_key = "0123456789abcdef";
  BucketAccess access({records}, "http://127.0.0.1:8080", clock, random);
  EXPECT_FALSE(access.Admit("records", "/records/a.ts", "").allowed);
  records.is_private = false;
  access.Replace({records});
  EXPECT_TRUE(access.Admit("records", "/records/a.ts", "").allowed) << "now public-read";
  EXPECT_EQ(access.ObjectUrl("local", "records", "a.ts"), "http://127.0.0.1:8080/records/a.ts");
  EXPECT_FALSE(access.buckets().front().is_private);
}

}  // namespace
}  // namespace liverec::server
