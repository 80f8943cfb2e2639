// Multipart uploads of S3ObjectStore::PutFile against the in-memory S3 (5 MiB parts).
#include "storage/s3/s3_multipart_upload.h"

#include <gtest/gtest.h>

#include "base/crypto.h"
#include "storage/s3/payload_digest.h"
#include "storage/s3/s3_store_test_fixture.h"

namespace liverec::storage {
namespace {

using testing::FakeS3;
using testing::Fault;
using testing::S3StoreTest;
using testing::TestHttpResponse;

constexpr size_t kMiB = 1024 * 1024;

TEST_F(S3StoreTest, AFileLargerThanAPartGoesUpInPartsAndEqualsTheFile) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  std::string path = MakeFile("big.mp4", 12 * kMiB + 1);
  ASSERT_TRUE(store->PutFile("record/live/s1/big.mp4", path).ok());

  auto object = fake.Find("record/live/s1/big.mp4");
  ASSERT_TRUE(object);
  std::string bytes = ReadAll(path);
  EXPECT_TRUE(object->bytes == bytes);
  EXPECT_EQ(object->content_type, "video/mp4");
  std::vector<std::string> md5s{Md5(bytes.substr(0, 5 * kMiB)),
                                Md5(bytes.substr(5 * kMiB, 5 * kMiB)),
                                Md5(bytes.substr(10 * kMiB))};
  EXPECT_EQ(object->etag, MultipartEtag(md5s));
  EXPECT_EQ(fake.RequestLines(),
            (std::vector<std::string>{
                "HEAD /media/record/live/s1/big.mp4", "POST /media/record/live/s1/big.mp4?uploads=",
                "PUT /media/record/live/s1/big.mp4?partNumber=1&uploadId=upload-1",
                "PUT /media/record/live/s1/big.mp4?partNumber=2&uploadId=upload-1",
                "PUT /media/record/live/s1/big.mp4?partNumber=3&uploadId=upload-1",
                "POST /media/record/live/s1/big.mp4?uploadId=upload-1"}));
  EXPECT_EQ(fake.Requests().back().Header("if-none-match"), "*");
  EXPECT_EQ(fake.OpenUploads(), 0u);
}

TEST_F(S3StoreTest, AFileOfExactlyOnePartGoesUpInOnePut) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  ASSERT_TRUE(store->PutFile("a.mp4", MakeFile("a.mp4", 5 * kMiB)).ok());
  EXPECT_EQ(fake.RequestLines().size(), 2u);  // HEAD, PUT
}

TEST_F(S3StoreTest, APartRetriedAfterA503CompletesTheUpload) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  std::string path = MakeFile("big.mp4", 11 * kMiB);
  fake.QueueFault({"PUT", Fault::Kind::kDrop, {}});
  ASSERT_TRUE(store->PutFile("big.mp4", path).ok());
  EXPECT_TRUE(fake.Find("big.mp4")->bytes == ReadAll(path));
  EXPECT_EQ(waits_.size(), 1u);
}

TEST_F(S3StoreTest, AFailedPartAbortsTheUploadAndLeavesNoObject) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  std::string path = MakeFile("big.mp4", 11 * kMiB);
  fake.QueueFault({"PUT", Fault::Kind::kAnswer,
                   TestHttpResponse{400, {}, "<Error><Code>InvalidArgument</Code></Error>"}});
  Status status = store->PutFile("big.mp4", path);
  EXPECT_EQ(status.code(), ErrorCode::kStorageRequestRejected);
  EXPECT_NE(status.detail().find("UploadPart 1 big.mp4"), std::string::npos) << status.detail();
  EXPECT_FALSE(fake.Find("big.mp4"));
  EXPECT_EQ(fake.Aborts(), 1);
  EXPECT_EQ(fake.OpenUploads(), 0u);
}

TEST_F(S3StoreTest, ACompletionWhoseAnswerWasLostFindsItsOwnObjectAndSucceeds) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  std::string path = MakeFile("big.mp4", 11 * kMiB);
  // Carried out, answer lost; the retry finds no such upload, and the object's ETag is ours.
  fake.QueueFault({"POST", Fault::Kind::kCarryOutThenDrop, {}, "uploadId="});
  ASSERT_TRUE(store->PutFile("big.mp4", path).ok());
  EXPECT_TRUE(fake.Find("big.mp4")->bytes == ReadAll(path));
  auto lines = fake.RequestLines();
  ASSERT_EQ(lines.size(), 8u);  // HEAD, create, 3 parts (5, 5, 1 MiB), then:
  EXPECT_EQ(lines[5], "POST /media/big.mp4?uploadId=upload-1");
  EXPECT_EQ(lines[6], "POST /media/big.mp4?uploadId=upload-1");
  EXPECT_EQ(lines[7], "HEAD /media/big.mp4");
}

TEST_F(S3StoreTest, AnObjectThatAppearsDuringTheUploadWinsAndTheUploadIsAborted) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  std::string path = MakeFile("big.mp4", 11 * kMiB);
  fake.QueueFault({"HEAD", Fault::Kind::kAnswer, {404}});
  fake.PutObjectDirectly("big.mp4", "theirs");
  EXPECT_EQ(store->PutFile("big.mp4", path).code(), ErrorCode::kObjectAlreadyExists);
  EXPECT_EQ(fake.Find("big.mp4")->bytes, "theirs");
  EXPECT_EQ(fake.Aborts(), 1);
}

}  // namespace
}  // namespace liverec::storage
