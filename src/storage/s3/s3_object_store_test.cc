// S3ObjectStore against an in-memory S3 on 127.0.0.1 that verifies every signature: the object
// operations, key encoding, URL styles, and the never-overwrite contract.
#include "storage/s3/s3_object_store.h"

#include <gtest/gtest.h>

#include "storage/s3/s3_store_test_fixture.h"

namespace liverec::storage {
namespace {

using testing::FakeS3;
using testing::FakeS3Options;
using testing::S3StoreTest;

TEST_F(S3StoreTest, PutBytesThenGetHeadAndDeleteRoundTrip) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  std::string text = "#EXTM3U\n#EXT-X-ENDLIST\n";
  ASSERT_TRUE(store->PutBytes("record/live/s1/a.m3u8", Bytes(text)).ok());

  auto object = fake.Find("record/live/s1/a.m3u8");
  ASSERT_TRUE(object);
  EXPECT_EQ(object->bytes, text);
  EXPECT_EQ(object->content_type, "application/vnd.apple.mpegurl");

  auto got = store->Get("record/live/s1/a.m3u8");
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(std::string(got->begin(), got->end()), text);

  auto info = store->Head("record/live/s1/a.m3u8");
  ASSERT_TRUE(info) << info.error().ToString();
  EXPECT_EQ(info->key, "record/live/s1/a.m3u8");
  EXPECT_EQ(info->size, text.size());
  EXPECT_EQ(info->modified_ms, 1445412480000);  // Wed, 21 Oct 2015 07:28:00 GMT

  ASSERT_TRUE(store->Delete("record/live/s1/a.m3u8").ok());
  EXPECT_FALSE(fake.Find("record/live/s1/a.m3u8"));
  EXPECT_EQ(store->Head("record/live/s1/a.m3u8").error().code(), ErrorCode::kObjectNotFound);
}

TEST_F(S3StoreTest, PutFileStreamsASmallFileInOnePut) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  std::string path = MakeFile("slice.ts", 1024 * 1024 + 17);
  ASSERT_TRUE(store->PutFile("record/live/s1/0.ts", path).ok());
  auto object = fake.Find("record/live/s1/0.ts");
  ASSERT_TRUE(object);
  EXPECT_EQ(object->bytes, ReadAll(path));
  EXPECT_EQ(object->content_type, "video/mp2t");
  // HEAD (is the key free?) then one PUT, signed with the body's SHA-256 and MD5.
  auto lines = fake.RequestLines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "HEAD /media/record/live/s1/0.ts");
  EXPECT_EQ(lines[1], "PUT /media/record/live/s1/0.ts");
  auto put = fake.Requests()[1];
  EXPECT_EQ(put.Header("if-none-match"), "*");
  EXPECT_FALSE(put.Header("content-md5").empty());
  EXPECT_NE(put.Header("authorization")
                .find("content-md5;content-type;host;if-none-match;"
                      "x-amz-content-sha256;x-amz-date"),
            std::string::npos);
}

TEST_F(S3StoreTest, KeysAreUriEncodedPerSegmentAndStoredUnderTheirOwnName) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  std::string key = "record/live/my stream+1/2026-01-02-15:04:05_~é.ts";
  ASSERT_TRUE(store->PutBytes(key, Bytes("x")).ok());
  EXPECT_TRUE(fake.Find(key));
  EXPECT_EQ(fake.RequestLines().back(),
            "PUT /media/record/live/my%20stream%2B1/2026-01-02-15%3A04%3A05_~%C3%A9.ts");
  EXPECT_TRUE(store->Head(key).has_value());
}

TEST_F(S3StoreTest, AnExistingKeyIsRefusedBeforeAnyBytesAreSent) {
  FakeS3 fake;
  fake.PutObjectDirectly("a/b.ts", "old");
  auto store = StoreFor(fake);
  std::string path = MakeFile("new.ts", 100);
  Status status = store->PutFile("a/b.ts", path);
  EXPECT_EQ(status.code(), ErrorCode::kObjectAlreadyExists);
  EXPECT_EQ(fake.Find("a/b.ts")->bytes, "old");
  // The second HEAD compares the ETag with this write's (it is not our own earlier write).
  EXPECT_EQ(fake.RequestLines(),
            (std::vector<std::string>{"HEAD /media/a/b.ts", "HEAD /media/a/b.ts"}));
}

TEST_F(S3StoreTest, AWriterThatLosesTheRaceAfterItsHeadGetsObjectAlreadyExists) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  // The HEAD says "free"; another writer's object lands before our PUT: S3 answers 412.
  fake.QueueFault({"HEAD", testing::Fault::Kind::kAnswer, {404}});
  fake.PutObjectDirectly("a.ts", "theirs");
  EXPECT_EQ(store->PutBytes("a.ts", Bytes("ours")).code(), ErrorCode::kObjectAlreadyExists);
  EXPECT_EQ(fake.Find("a.ts")->bytes, "theirs");
}

TEST_F(S3StoreTest, AServiceWithout501IfNoneMatchIsAskedWithoutItFromThenOn) {
  FakeS3Options options;
  options.if_none_match = FakeS3Options::IfNoneMatch::kNotImplemented;
  FakeS3 fake(options);
  auto store = StoreFor(fake);
  ASSERT_TRUE(store->PutBytes("a.ts", Bytes("1")).ok());
  ASSERT_TRUE(store->PutBytes("b.ts", Bytes("2")).ok());
  auto requests = fake.Requests();
  // HEAD a, PUT a (501), PUT a again without the header, HEAD b, PUT b without it.
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[1].Header("if-none-match"), "*");
  EXPECT_EQ(requests[2].Header("if-none-match"), "");
  EXPECT_EQ(requests[4].Header("if-none-match"), "");
  EXPECT_EQ(fake.Find("b.ts")->bytes, "2");
}

TEST_F(S3StoreTest, InvalidKeysAreRefusedWithoutARequest) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  EXPECT_EQ(store->PutBytes("../x.ts", Bytes("x")).code(), ErrorCode::kInvalidObjectName);
  EXPECT_EQ(store->PutBytes("/x.ts", Bytes("x")).code(), ErrorCode::kInvalidObjectName);
  EXPECT_EQ(store->Head("a//b").error().code(), ErrorCode::kInvalidObjectName);
  EXPECT_EQ(fake.Requests().size(), 0u);
}

TEST_F(S3StoreTest, DeletingAMissingKeyIsNoSuchKey) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  EXPECT_EQ(store->Delete("missing.ts").code(), ErrorCode::kObjectNotFound);
  EXPECT_EQ(store->Get("missing.ts").error().code(), ErrorCode::kObjectNotFound);
}

TEST_F(S3StoreTest, S3AllowsAnObjectAndAFolderOfTheSameName) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  EXPECT_TRUE(store->PutBytes("a", Bytes("1")).ok());
  EXPECT_TRUE(store->PutBytes("a/b", Bytes("2")).ok());
}

TEST_F(S3StoreTest, ListReadsEveryPageUnderThePrefix) {
  FakeS3Options options;
  options.list_page_size = 2;
  FakeS3 fake(options);
  for (const char* key : {"a/1.ts", "a/2.ts", "a/3.ts", "a/4.ts", "a/5.ts", "b/1.ts"}) {
    fake.PutObjectDirectly(key, key);
  }
  auto store = StoreFor(fake);
  auto listed = store->List("a/");
  ASSERT_TRUE(listed) << listed.error().ToString();
  ASSERT_EQ(listed->size(), 5u);
  EXPECT_EQ((*listed)[0].key, "a/1.ts");
  EXPECT_EQ((*listed)[4].key, "a/5.ts");
  EXPECT_EQ((*listed)[4].size, 6u);
  EXPECT_EQ((*listed)[4].modified_ms, 1445412480000);
  EXPECT_EQ(fake.Requests().size(), 3u);  // pages of 2, 2, 1
  EXPECT_NE(fake.Requests()[1].target.find("continuation-token=a%2F2.ts"), std::string::npos);
}

TEST_F(S3StoreTest, VirtualHostedStyleNamesTheBucketInTheHost) {
  FakeS3 fake;
  std::string port = std::to_string(fake.Server().Port());
  auto store = StoreFor(fake,
                        [&](S3Options& o) {
                          o.endpoint_url = "http://s3.test:" + port;
                          o.path_style = false;
                        },
                        {"media.s3.test:" + port + ":127.0.0.1:" + port});
  EXPECT_EQ(store->PublicBaseUrl(), "http://media.s3.test:" + port);
  ASSERT_TRUE(store->PutBytes("a b/c.ts", Bytes("x")).ok());
  EXPECT_TRUE(fake.Find("a b/c.ts"));
  auto put = fake.Requests().back();
  EXPECT_EQ(put.target, "/a%20b/c.ts");
  EXPECT_EQ(put.Header("host"), "media.s3.test:" + port);
  auto listed = store->List("");
  ASSERT_TRUE(listed) << listed.error().ToString();
  EXPECT_EQ(fake.Requests().back().target, "/?list-type=2&prefix=");
}

TEST_F(S3StoreTest, PathStylePublicBaseIsTheEndpointAndBucket) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  EXPECT_EQ(store->PublicBaseUrl(), fake.Url() + "/media");
}

TEST(S3StoreCreateTest, AnEndpointThatDoesNotParseIsInvalidConfiguration) {
  S3Options options;
  options.endpoint_url = "s3.amazonaws.com";
  auto store = S3ObjectStore::Create(options);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kInvalidConfiguration);
}

TEST(ObjectHeadersForKeyTest, SnapshotsAreStoredAsJpegImages) {
  using Headers = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(ObjectHeadersForKey("snapshot/live/cam/1.jpg"),
            (Headers{{"Content-Type", "image/jpeg"}}));
  EXPECT_EQ(ObjectHeadersForKey("record/live/cam/1.ts"), (Headers{{"Content-Type", "video/mp2t"}}));
  EXPECT_EQ(ObjectHeadersForKey("a/x.bin"),
            (Headers{{"Content-Type", "application/octet-stream"}}));
}

}  // namespace
}  // namespace liverec::storage
