// S3ObjectStore when things go wrong: retries with backoff on 5xx, 429, dropped connections and
// timeouts; clear, non-retryable Status values for refusals; a write whose answer was lost.
#include <gtest/gtest.h>

#include "storage/s3/s3_object_store.h"
#include "storage/s3/s3_store_test_fixture.h"

namespace liverec::storage {
namespace {

using testing::FakeS3;
using testing::FakeS3Options;
using testing::Fault;
using testing::S3StoreTest;
using testing::TestHttpResponse;

TestHttpResponse S3Error(int status, const std::string& code) {
  return {status, {}, "<Error><Code>" + code + "</Code><Message>m</Message></Error>"};
}

TEST_F(S3StoreTest, RetriesA503AndA429WithGrowingBackoffThenSucceeds) {
  FakeS3 fake;
  auto store = StoreFor(fake, [](S3Options& o) {
    o.initial_backoff_ms = 100;
    o.max_backoff_ms = 1000;
  });
  fake.QueueFault({"PUT", Fault::Kind::kAnswer, S3Error(503, "SlowDown")});
  fake.QueueFault({"PUT", Fault::Kind::kAnswer, S3Error(429, "TooManyRequests")});
  ASSERT_TRUE(store->PutBytes("a.ts", Bytes("x")).ok());
  EXPECT_EQ(fake.Find("a.ts")->bytes, "x");
  ASSERT_EQ(waits_.size(), 2u);
  EXPECT_GE(waits_[0], 50);  // 100 ms, jittered into its upper half
  EXPECT_LE(waits_[0], 100);
  EXPECT_GE(waits_[1], 100);  // 200 ms
  EXPECT_LE(waits_[1], 200);
}

TEST_F(S3StoreTest, GivesUpAfterMaxAttemptsWithATransientStorageFailure) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  for (int i = 0; i < 4; ++i)
    fake.QueueFault({"PUT", Fault::Kind::kAnswer, S3Error(500, "InternalError")});
  Status status = store->PutBytes("a.ts", Bytes("x"));
  EXPECT_EQ(status.code(), ErrorCode::kStorageFailure);
  EXPECT_TRUE(IsTransientStorageError(status));
  EXPECT_NE(status.detail().find("HTTP 500 InternalError"), std::string::npos) << status.detail();
  EXPECT_NE(status.detail().find("4 attempts"), std::string::npos) << status.detail();
  EXPECT_EQ(waits_.size(), 3u);
  EXPECT_FALSE(fake.Find("a.ts"));
}

TEST_F(S3StoreTest, ADroppedConnectionIsRetried) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  // The first request, on a fresh connection (on a reused one libcurl resends by itself).
  fake.QueueFault({"HEAD", Fault::Kind::kDrop, {}});
  ASSERT_TRUE(store->PutBytes("a.ts", Bytes("x")).ok());
  EXPECT_EQ(waits_.size(), 1u);
}

TEST_F(S3StoreTest, ATimeoutIsRetried) {
  FakeS3 fake;
  auto store = StoreFor(fake, [](S3Options& o) { o.timeout_ms = 300; });
  TestHttpResponse slow{200};
  slow.delay_ms = 1200;
  fake.QueueFault({"HEAD", Fault::Kind::kAnswer, slow});
  ASSERT_TRUE(store->PutBytes("a.ts", Bytes("x")).ok());
  EXPECT_EQ(waits_.size(), 1u);
}

TEST_F(S3StoreTest, AnUnreachableServiceIsATransientFailure) {
  S3Options options;
  options.endpoint_url = "http://127.0.0.1:1";
  options.bucket = "media";
  options.access_key_id = "AKID";
  options.secret_access_key = "secret";
  ClientHooks hooks;
  hooks.sleep = [this](int64_t ms) { waits_.push_back(ms); };
  auto store = S3ObjectStore::Create(options, hooks);
  ASSERT_TRUE(store);
  Status status = (*store)->PutBytes("a.ts", Bytes("x"));
  EXPECT_EQ(status.code(), ErrorCode::kStorageFailure);
  EXPECT_NE(status.detail().find("HEAD a.ts (bucket media at http://127.0.0.1:1)"),
            std::string::npos)
      << status.detail();
  EXPECT_EQ(waits_.size(), 3u);
}

TEST_F(S3StoreTest, AWrongSecretIsStorageAuthFailedNamingSignatureDoesNotMatch) {
  FakeS3 fake;
  auto store = StoreFor(fake, [](S3Options& o) { o.secret_access_key = "not-the-secret"; });
  Status status = store->PutFile("a.ts", MakeFile("a.ts", 1000));
  EXPECT_EQ(status.code(), ErrorCode::kStorageAuthFailed) << status.ToString();
  EXPECT_FALSE(IsTransientStorageError(status));
  EXPECT_NE(status.detail().find("HTTP 403 SignatureDoesNotMatch"), std::string::npos)
      << status.detail();
  EXPECT_TRUE(waits_.empty());
  // The bodiless 403 to HEAD was asked again as a 1-byte GET; nothing was uploaded.
  EXPECT_EQ(fake.RequestLines(), (std::vector<std::string>{"HEAD /media/a.ts", "GET /media/a.ts"}));
}

TEST_F(S3StoreTest, AnUnknownAccessKeyIsStorageAuthFailed) {
  FakeS3 fake;
  auto store = StoreFor(fake, [](S3Options& o) { o.access_key_id = "AKIDUNKNOWN"; });
  Status status = store->PutBytes("a.ts", Bytes("x"));
  EXPECT_EQ(status.code(), ErrorCode::kStorageAuthFailed);
  EXPECT_NE(status.detail().find("InvalidAccessKeyId"), std::string::npos);
}

TEST_F(S3StoreTest, AMissingBucketIsStorageBucketNotFound) {
  FakeS3 fake;
  auto store = StoreFor(fake, [](S3Options& o) { o.bucket = "no-such-bucket"; });
  Status status = store->PutBytes("a.ts", Bytes("x"));
  EXPECT_EQ(status.code(), ErrorCode::kStorageBucketNotFound) << status.ToString();
  EXPECT_NE(status.detail().find("RequestId fake-1"), std::string::npos) << status.detail();
}

TEST_F(S3StoreTest, AccessDeniedIsStorageAccessDenied) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  fake.QueueFault({"PUT", Fault::Kind::kAnswer, S3Error(403, "AccessDenied")});
  EXPECT_EQ(store->PutBytes("a.ts", Bytes("x")).code(), ErrorCode::kStorageAccessDenied);
}

TEST_F(S3StoreTest, AKeyHoldingOtherBytesIsNotMistakenForOurOwnWrite) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  fake.QueueFault({"HEAD", Fault::Kind::kAnswer, {404}});
  fake.PutObjectDirectly("a.ts", "theirs");
  EXPECT_EQ(store->PutBytes("a.ts", Bytes("mine")).code(), ErrorCode::kObjectAlreadyExists);
  fake.QueueFault({"HEAD", Fault::Kind::kAnswer, {404}});
  EXPECT_TRUE(store->PutBytes("a.ts", Bytes("theirs")).ok()) << "the very same bytes are success";
}

TEST_F(S3StoreTest, OtherClientErrorsAreRejectedWithoutRetry) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  fake.QueueFault({"PUT", Fault::Kind::kAnswer, S3Error(400, "InvalidRequest")});
  Status status = store->PutBytes("a.ts", Bytes("x"));
  EXPECT_EQ(status.code(), ErrorCode::kStorageRequestRejected);
  EXPECT_NE(status.detail().find("1 attempt"), std::string::npos);
  EXPECT_TRUE(waits_.empty());
}

TEST_F(S3StoreTest, APutWhoseAnswerWasLostFindsItsOwnObjectAndSucceeds) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  fake.QueueFault({"PUT", Fault::Kind::kCarryOutThenDrop, {}});
  ASSERT_TRUE(store->PutBytes("a.ts", Bytes("mine")).ok());
  EXPECT_EQ(fake.Find("a.ts")->bytes, "mine");
  // HEAD (free), PUT (stored, answer lost), PUT again (412: it exists), HEAD (the ETag is ours).
  EXPECT_EQ(fake.RequestLines(), (std::vector<std::string>{"HEAD /media/a.ts", "PUT /media/a.ts",
                                                           "PUT /media/a.ts", "HEAD /media/a.ts"}));
}

// An outage that begins during an upload: the object is stored but every attempt loses its
// answer, so the write fails; the caller's retry finds the key holding its very bytes and
// succeeds, instead of refusing the key (which made the recorder store a second copy under
// another name, found by the outage test in the slower sanitizer build).
TEST_F(S3StoreTest, ARetryAfterAFailedWriteFindsItsOwnObjectAndSucceeds) {
  FakeS3 fake;
  auto store = StoreFor(fake);
  fake.PutObjectDirectly("a.ts", "mine");  // by the failed write
  EXPECT_TRUE(store->PutBytes("a.ts", Bytes("mine")).ok()) << "the very same bytes are success";
  EXPECT_EQ(store->PutBytes("a.ts", Bytes("other")).code(), ErrorCode::kObjectAlreadyExists);
}

}  // namespace
}  // namespace liverec::storage
