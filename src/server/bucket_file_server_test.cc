#include "server/bucket_file_server.h"
#include "testing/temp_dir.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>
namespace liverec::server {
namespace {

namespace fs = std::filesystem;
using Kind = RangeSelection::Kind;

std::string Pattern(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(i * 7 + i / 251);
  return bytes;
}

std::optional<std::string> HeaderOf(const net::HttpResponse& response, std::string_view name) {
  for (const auto& [n, v] : response.headers) {
    if (n == name) return v;
  }
  return std::nullopt;
}

// --- SelectRange (RFC 9110 §14.1.1, §14.2) ---------------------------------------------------

TEST(SelectRangeTest, SelectsTheThreeFormsOfASingleRange) {
  EXPECT_EQ(SelectRange("bytes=10-19", 1000).range, (ByteRange{10, 19}));
  EXPECT_EQ(SelectRange("bytes=990-", 1000).range, (ByteRange{990, 999}));
  EXPECT_EQ(SelectRange("bytes=-5", 1000).range, (ByteRange{995, 999}));
  EXPECT_EQ(SelectRange("bytes=0-0", 1000).range, (ByteRange{0, 0}));
  EXPECT_EQ(SelectRange("bytes=10-19", 1000).kind, Kind::kRange);
}

TEST(SelectRangeTest, ClampsRangesThatRunPastTheEnd) {
  EXPECT_EQ(SelectRange("bytes=995-5000", 1000).range, (ByteRange{995, 999}));
  EXPECT_EQ(SelectRange("bytes=-5000", 1000).range, (ByteRange{0, 999}));
  EXPECT_EQ(SelectRange("bytes=0-99999999999999999999999", 1000).range, (ByteRange{0, 999}));
}

TEST(SelectRangeTest, ARangeStartingAtOrPastTheEndIsUnsatisfiable) {
  EXPECT_EQ(SelectRange("bytes=1000-", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(SelectRange("bytes=1000-1005", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(SelectRange("bytes=99999999999999999999999-", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(SelectRange("bytes=-0", 1000).kind, Kind::kUnsatisfiable);
}

TEST(SelectRangeTest, IgnoresInvalidHeadersAndSeveralRanges) {
  for (const char* header :
       {"", "bytes", "bytes=", "bytes=abc", "bytes=5", "bytes=9-3", "bytes=1-2-3", "bytes= 1 - 2",
        "items=0-1", "bytes=0-1,5-6", "bytes=-1,-2"}) {
    EXPECT_EQ(SelectRange(header, 1000).kind, Kind::kWhole) << header;
  }
}

TEST(SelectRangeTest, AcceptsAnyCaseOfTheUnitWhitespaceAndEmptyListElements) {
  EXPECT_EQ(SelectRange("Bytes=1-2", 10).range, (ByteRange{1, 2}));
  EXPECT_EQ(SelectRange(" bytes = 1-2 ", 10).range, (ByteRange{1, 2}));
  EXPECT_EQ(SelectRange("bytes=, 1-2 ,", 10).range, (ByteRange{1, 2}));
}

TEST(SelectRangeTest, AnEmptyFileIsAlwaysSentWhole) {
  EXPECT_EQ(SelectRange("bytes=0-", 0).kind, Kind::kWhole);
  EXPECT_EQ(SelectRange("bytes=-5", 0).kind, Kind::kWhole);
}

// --- PercentDecodePath, ContentTypeForKey ------------------------------------------------

TEST(PercentDecodePathTest, DecodesEscapesButKeepsPlus) {
  EXPECT_EQ(PercentDecodePath("/b/a+b%20c%2bd.ts"), "/b/a+b c+d.ts");
  EXPECT_EQ(PercentDecodePath("/b/%E7%9B%B4%e6%92%ad.ts"), "/b/直播.ts");
  EXPECT_EQ(PercentDecodePath("/b/100%/%G1/%4"), "/b/100%/%G1/%4");
}

TEST(ContentTypeForKeyTest, NamesTheMediaTypesOfRecordings) {
  EXPECT_EQ(ContentTypeForKey("a/x.m3u8"), "application/vnd.apple.mpegurl");
  EXPECT_EQ(ContentTypeForKey("a/x.ts"), "video/mp2t");
  EXPECT_EQ(ContentTypeForKey("a/X.MP4"), "video/mp4");
  EXPECT_EQ(ContentTypeForKey("a/x.flv"), "video/x-flv");
  EXPECT_EQ(ContentTypeForKey("a/x.json"), "application/json");
  EXPECT_EQ(ContentTypeForKey("snapshot/live/cam/1.jpg"), "image/jpeg");
  EXPECT_EQ(ContentTypeForKey("a/X.JPEG"), "image/jpeg");
  EXPECT_EQ(ContentTypeForKey("a/x.tsx"), "application/octet-stream");
  EXPECT_EQ(ContentTypeForKey("a/ts"), "application/octet-stream");
}

// --- BucketFileServer ----------------------------------------------------------------------

class BucketFileServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = tmp_.path();
    dir_ = (base_ / "media").string();
    Write("live/s1/index.m3u8", "#EXTM3U\n");
    Write("live/s1/0.ts", Pattern(1000));
    Write("a b/直播+1.ts", "unicode");
    Write("empty.ts", "");
    server_.emplace(std::map<std::string, std::string>{{"media", dir_}});
  }

  void Write(const std::string& key, const std::string& bytes) {
    fs::path path = fs::path(dir_) / key;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
  }

  net::HttpResponse Get(const std::string& path, std::string range = "",
                        std::string method = "GET") {
    net::HttpRequest request{std::move(method), path, {}, ""};
    if (!range.empty()) request.headers["range"] = std::move(range);
    return server_->Serve(request, path);
  }

  liverec::testing::TempDir tmp_{"bucket_file_server"};
  fs::path base_;
  std::string dir_;
  std::optional<BucketFileServer> server_;  // built in SetUp, over dir_
};

TEST_F(BucketFileServerTest, AGetWithoutRangeStreamsTheWholeFile) {
  net::HttpResponse response = Get("/media/live/s1/0.ts");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.file_path, dir_ + "/live/s1/0.ts");
  EXPECT_EQ(response.content_type, "video/mp2t");
  EXPECT_EQ(HeaderOf(response, "Accept-Ranges"), "bytes");
  EXPECT_EQ(HeaderOf(response, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(HeaderOf(response, "Cache-Control"), std::nullopt);
}

TEST_F(BucketFileServerTest, PlaylistsAreNotCached) {
  net::HttpResponse response = Get("/media/live/s1/index.m3u8");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/vnd.apple.mpegurl");
  EXPECT_EQ(HeaderOf(response, "Cache-Control"), "no-cache");
}

TEST_F(BucketFileServerTest, ARangeIsAnsweredWithThoseBytes) {
  const std::string bytes = Pattern(1000);
  net::HttpResponse response = Get("/media/live/s1/0.ts", "bytes=10-19");
  EXPECT_EQ(response.status, 206);
  EXPECT_EQ(response.body, bytes.substr(10, 10));
  EXPECT_TRUE(response.file_path.empty());
  EXPECT_EQ(response.content_type, "video/mp2t");
  EXPECT_EQ(HeaderOf(response, "Content-Range"), "bytes 10-19/1000");
  EXPECT_EQ(HeaderOf(response, "Accept-Ranges"), "bytes");

  response = Get("/media/live/s1/0.ts", "bytes=-3");
  EXPECT_EQ(response.status, 206);
  EXPECT_EQ(response.body, bytes.substr(997));
  EXPECT_EQ(HeaderOf(response, "Content-Range"), "bytes 997-999/1000");

  response = Get("/media/live/s1/0.ts", "bytes=900-");
  EXPECT_EQ(response.body, bytes.substr(900));
  EXPECT_EQ(HeaderOf(response, "Content-Range"), "bytes 900-999/1000");
}

TEST_F(BucketFileServerTest, AnUnsatisfiableRangeIs416WithTheSize) {
  net::HttpResponse response = Get("/media/live/s1/0.ts", "bytes=1000-");
  EXPECT_EQ(response.status, 416);
  EXPECT_EQ(HeaderOf(response, "Content-Range"), "bytes */1000");
  EXPECT_TRUE(response.file_path.empty());
}

TEST_F(BucketFileServerTest, SeveralRangesHeadAndIfRangeGetTheWholeFile) {
  EXPECT_EQ(Get("/media/live/s1/0.ts", "bytes=0-1,5-6").status, 200);
  net::HttpResponse head = Get("/media/live/s1/0.ts", "bytes=0-1", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.file_path, dir_ + "/live/s1/0.ts");

  net::HttpRequest request{"GET", "/media/live/s1/0.ts", {{"range", "bytes=0-1"}}, ""};
  request.headers["if-range"] = "\"some-etag\"";
  EXPECT_EQ(server_->Serve(request, request.target).status, 200);
}

TEST_F(BucketFileServerTest, RangesAboveTheBodyLimitAreStreamedFromTheFile) {
  Write("big.mp4", Pattern(kMaxRangeBodyBytes + 10));
  net::HttpResponse response = Get("/media/big.mp4", "bytes=1-");
  EXPECT_EQ(response.status, 206);
  EXPECT_EQ(response.file_path, dir_ + "/big.mp4");
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(response.file_offset, 1u);
  EXPECT_EQ(response.file_length, kMaxRangeBodyBytes + 9);
  EXPECT_EQ(HeaderOf(response, "Content-Range"), "bytes 1-" +
                                                     std::to_string(kMaxRangeBodyBytes + 9) + "/" +
                                                     std::to_string(kMaxRangeBodyBytes + 10));

  response = Get("/media/big.mp4", "bytes=-" + std::to_string(kMaxRangeBodyBytes));
  EXPECT_EQ(response.status, 206);
  EXPECT_EQ(response.body.size(), kMaxRangeBodyBytes);
  EXPECT_EQ(HeaderOf(response, "Content-Range"), "bytes 10-" +
                                                     std::to_string(kMaxRangeBodyBytes + 9) + "/" +
                                                     std::to_string(kMaxRangeBodyBytes + 10));
}

TEST_F(BucketFileServerTest, UnicodeAndSpaceKeysAreServed) {
  net::HttpResponse response = Get("/media/a b/直播+1.ts", "bytes=0-2");
  EXPECT_EQ(response.status, 206);
  EXPECT_EQ(response.body, "uni");
}

TEST_F(BucketFileServerTest, AnEmptyFileIsServedWhole) {
  net::HttpResponse response = Get("/media/empty.ts", "bytes=0-");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.file_path, dir_ + "/empty.ts");
}

TEST_F(BucketFileServerTest, UnknownBucketsMissingFilesFoldersAndBadKeysAre404) {
  for (const char* path : {"/other/live/s1/0.ts", "/media/live/s1/1.ts", "/media/live/s1",
                           "/media/live/../live/s1/0.ts", "/media", "/media/",
                           "/media//live/s1/0.ts", "/", "", "media/live/s1/0.ts"}) {
    EXPECT_EQ(Get(path).status, 404) << path;
  }
}

TEST_F(BucketFileServerTest, LinksPlantedInABucketAre404WithNoHint) {
  // Outside the bucket: a secret file and a folder holding one.
  std::ofstream(base_ / "credentials.json") << "secret";
  fs::create_directories(base_ / "private");
  std::ofstream(base_ / "private" / "liverec.db") << "secret";
  fs::create_symlink(base_ / "credentials.json", fs::path(dir_) / "link.ts");
  fs::create_directory_symlink(base_ / "private", fs::path(dir_) / "dir");
  fs::create_symlink("/etc/passwd", fs::path(dir_) / "live" / "s1" / "passwd.ts");
  // A link inside the bucket to a file inside it is refused as well: no link is ever followed.
  fs::create_symlink(fs::path(dir_) / "live" / "s1" / "0.ts", fs::path(dir_) / "live" / "in.ts");
  fs::create_directory_symlink(fs::path(dir_) / "live", fs::path(dir_) / "alias");
  for (const char* path : {"/media/link.ts", "/media/dir/liverec.db", "/media/live/s1/passwd.ts",
                           "/media/live/in.ts", "/media/alias/s1/0.ts"}) {
    for (const char* method : {"GET", "HEAD"}) {
      for (const char* range : {"", "bytes=0-3"}) {
        net::HttpResponse response = Get(path, range, method);
        EXPECT_EQ(response.status, 404) << method << " " << path << " " << range;
        EXPECT_EQ(response.body, "not found\n") << path;
        EXPECT_TRUE(response.file_path.empty()) << path;
      }
    }
  }
}

TEST_F(BucketFileServerTest, AWholeFileIsSentFromTheDescriptorThatWasChecked) {
  net::HttpResponse response = Get("/media/live/s1/0.ts");
  ASSERT_EQ(response.status, 200);
  ASSERT_TRUE(response.file_descriptor);
  // Swapping the path for a link afterwards does not change what the descriptor reads.
  fs::remove(fs::path(dir_) / "live" / "s1" / "0.ts");
  std::ofstream(base_ / "secret") << "secret";
  fs::create_symlink(base_ / "secret", fs::path(dir_) / "live" / "s1" / "0.ts");
  struct stat st {};
  ASSERT_EQ(::fstat(*response.file_descriptor, &st), 0);
  EXPECT_EQ(st.st_size, 1000);
}

TEST_F(BucketFileServerTest, AFifoIsNotServedAndDoesNotBlock) {
  ASSERT_EQ(::mkfifo((fs::path(dir_) / "pipe.ts").c_str(), 0644), 0);
  EXPECT_EQ(Get("/media/pipe.ts").status, 404);
}

TEST_F(BucketFileServerTest, OtherMethodsAre405WithAllow) {
  net::HttpResponse response = Get("/media/live/s1/0.ts", "", "PUT");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(HeaderOf(response, "Allow"), "GET, HEAD");
  EXPECT_EQ(Get("/media/live/s1/0.ts", "", "DELETE").status, 405);
}

}  // namespace
}  // namespace liverec::server
