// Which S3 answers are retried, how they map to the error catalogue, and the backoff.
#include "storage/s3/s3_errors.h"

#include <gtest/gtest.h>

namespace liverec::storage {
namespace {

TEST(S3ErrorsTest, RetriesTransientAnswersOnly) {
  EXPECT_TRUE(IsRetryableReply(500, "InternalError"));
  EXPECT_TRUE(IsRetryableReply(503, "SlowDown"));
  EXPECT_TRUE(IsRetryableReply(502, ""));
  EXPECT_TRUE(IsRetryableReply(429, ""));
  EXPECT_TRUE(IsRetryableReply(400, "RequestTimeout"));
  EXPECT_TRUE(IsRetryableReply(409, "ConditionalRequestConflict"));
  EXPECT_FALSE(IsRetryableReply(501, "NotImplemented"));
  EXPECT_FALSE(IsRetryableReply(403, "SignatureDoesNotMatch"));
  EXPECT_FALSE(IsRetryableReply(404, "NoSuchKey"));
  EXPECT_FALSE(IsRetryableReply(412, "PreconditionFailed"));
  EXPECT_TRUE(IsRetryableTransport(7));    // CURLE_COULDNT_CONNECT
  EXPECT_TRUE(IsRetryableTransport(28));   // CURLE_OPERATION_TIMEDOUT
  EXPECT_TRUE(IsRetryableTransport(52));   // CURLE_GOT_NOTHING
  EXPECT_FALSE(IsRetryableTransport(60));  // CURLE_PEER_FAILED_VERIFICATION
}

Status Mapped(long status, const std::string& code) {
  std::string body =
      code.empty() ? "" : "<Error><Code>" + code + "</Code><Message>m</Message></Error>";
  return ReplyStatus("PUT k", status, body, 1);
}

TEST(S3ErrorsTest, MapsRefusalsToTheCatalogue) {
  EXPECT_EQ(Mapped(403, "SignatureDoesNotMatch").code(), ErrorCode::kStorageAuthFailed);
  EXPECT_EQ(Mapped(403, "InvalidAccessKeyId").code(), ErrorCode::kStorageAuthFailed);
  EXPECT_EQ(Mapped(403, "RequestTimeTooSkewed").code(), ErrorCode::kStorageAuthFailed);
  EXPECT_EQ(Mapped(400, "AuthorizationHeaderMalformed").code(), ErrorCode::kStorageAuthFailed);
  EXPECT_EQ(Mapped(403, "AccessDenied").code(), ErrorCode::kStorageAccessDenied);
  EXPECT_EQ(Mapped(403, "").code(), ErrorCode::kStorageAccessDenied);
  EXPECT_EQ(Mapped(404, "NoSuchBucket").code(), ErrorCode::kStorageBucketNotFound);
  EXPECT_EQ(Mapped(404, "NoSuchKey").code(), ErrorCode::kObjectNotFound);
  EXPECT_EQ(Mapped(404, "").code(), ErrorCode::kObjectNotFound);
  EXPECT_EQ(Mapped(412, "PreconditionFailed").code(), ErrorCode::kObjectAlreadyExists);
  EXPECT_EQ(Mapped(400, "EntityTooSmall").code(), ErrorCode::kStorageRequestRejected);
  EXPECT_EQ(Mapped(301, "PermanentRedirect").code(), ErrorCode::kStorageRequestRejected);
  EXPECT_EQ(Mapped(503, "SlowDown").code(), ErrorCode::kStorageFailure);
  Status status = Mapped(403, "SignatureDoesNotMatch");
  EXPECT_EQ(status.detail(), "PUT k: HTTP 403 SignatureDoesNotMatch: m, 1 attempt");
}

TEST(S3ErrorsTest, BackoffDoublesUpToTheMaximumWithJitterInTheUpperHalf) {
  S3Options options;
  options.initial_backoff_ms = 200;
  options.max_backoff_ms = 1000;
  EXPECT_EQ(BackoffMs(options, 1, 0), 100);
  EXPECT_EQ(BackoffMs(options, 1, 100), 200);
  EXPECT_EQ(BackoffMs(options, 2, 200), 400);
  EXPECT_EQ(BackoffMs(options, 3, 400), 800);
  EXPECT_EQ(BackoffMs(options, 4, 500), 1000);
  EXPECT_EQ(BackoffMs(options, 30, 500), 1000);
  for (uint64_t r = 0; r < 1000; r += 37) {
    int64_t wait = BackoffMs(options, 2, r);
    EXPECT_GE(wait, 200);
    EXPECT_LE(wait, 400);
  }
}

}  // namespace
}  // namespace liverec::storage
