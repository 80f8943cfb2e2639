// Presigned GET URLs (SigV4 query-string authentication). The first vector is the worked example
// of AWS's "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)"; the others
// (path style with a port, keys needing encoding, another region) were computed with
// @smithy/signature-v4's presign (the AWS SDK's signer, which also reproduces AWS's example) for
// the same host, path and time, and tests/integration/s3_sigv4_proxy.js verifies such URLs with it.
#include "storage/s3/sigv4_presign.h"

#include <gtest/gtest.h>

#include "storage/s3/s3_object_store.h"

namespace liverec::storage {
namespace {

constexpr int64_t k20130524 = 1369353600;         // 2013-05-24T00:00:00Z
constexpr int64_t k20260301T123456 = 1772368496;  // 2026-03-01T12:34:56Z

S3UrlBuilder LocalPathStyle() {
  return S3UrlBuilder(*ParseS3Endpoint("http://127.0.0.1:9000"), "media", true);
}

TEST(SigV4PresignTest, ReproducesAwsDocumentationExample) {
  S3UrlBuilder urls(*ParseS3Endpoint("https://s3.amazonaws.com"), "examplebucket", false);
  SigV4Credentials creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                         "us-east-1"};
  EXPECT_EQ(PresignGetUrl(urls, "test.txt", creds, k20130524, 86400),
            "https://examplebucket.s3.amazonaws.com/test.txt"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4PresignTest, PathStyleSignsTheBucketInThePathAndThePortInTheHost) {
  EXPECT_EQ(PresignGetUrl(LocalPathStyle(), "record/live/s1/index.m3u8",
                          {"S3RVER", "S3RVER", "us-east-1"}, k20260301T123456, 3600),
            "http://127.0.0.1:9000/media/record/live/s1/index.m3u8"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=S3RVER%2F20260301%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20260301T123456Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=9ed65d3b83e1ade4357dce24f04d1d04204bef9245ffa42b307b65c6bb8a9cf3");
}

TEST(SigV4PresignTest, KeyIsSignedEncodedOnceWithItsSlashesKept) {
  std::string url =
      PresignGetUrl(LocalPathStyle(), "record/my stream/caf\xC3\xA9 *+2026-01-02-15:04:05.ts",
                    {"S3RVER", "S3RVER", "eu-west-1"}, k20260301T123456, 600);
  EXPECT_EQ(url,
            "http://127.0.0.1:9000/media/record/my%20stream/"
            "caf%C3%A9%20%2A%2B2026-01-02-15%3A04%3A05.ts"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=S3RVER%2F20260301%2Feu-west-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20260301T123456Z&X-Amz-Expires=600&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=35b8341a350a38c4952c9b5ae24bde13738d20720ac7c6a6c22f8adf2c3cf00d");
}

TEST(SigV4PresignTest, ExpiryOutsideWhatS3AcceptsIsClamped) {
  SigV4Credentials creds{"id", "secret", "us-east-1"};
  EXPECT_NE(PresignGetUrl(LocalPathStyle(), "k", creds, k20130524, 0).find("&X-Amz-Expires=1&"),
            std::string::npos);
  EXPECT_NE(PresignGetUrl(LocalPathStyle(), "k", creds, k20130524, 30LL * 86400)
                .find("&X-Amz-Expires=604800&"),
            std::string::npos);
  EXPECT_EQ(PresignGetUrl(LocalPathStyle(), "k", creds, k20130524, -5),
            PresignGetUrl(LocalPathStyle(), "k", creds, k20130524, 1));
}

TEST(SigV4PresignTest, AnotherSecretOrTimeGivesAnotherSignature) {
  SigV4Credentials creds{"S3RVER", "S3RVER", "us-east-1"};
  std::string url = PresignGetUrl(LocalPathStyle(), "a.ts", creds, k20260301T123456, 60);
  EXPECT_NE(url, PresignGetUrl(LocalPathStyle(), "a.ts", {"S3RVER", "other", "us-east-1"},
                               k20260301T123456, 60));
  EXPECT_NE(url, PresignGetUrl(LocalPathStyle(), "a.ts", creds, k20260301T123456 + 1, 60));
  EXPECT_NE(url, PresignGetUrl(LocalPathStyle(), "b.ts", creds, k20260301T123456, 60));
}

TEST(S3ObjectStorePresignTest, SignsWithTheStoresCredentialsRegionAndUrls) {
  S3Options options;
  options.endpoint_url = "http://127.0.0.1:9000";
  options.bucket = "media";
  options.region = "eu-west-1";
  options.access_key_id = "S3RVER";
  options.secret_access_key = "S3RVER";
  auto store = S3ObjectStore::Create(options);
  ASSERT_TRUE(store);
  std::string key = "record/my stream/caf\xC3\xA9 *+2026-01-02-15:04:05.ts";
  EXPECT_EQ((*store)->PresignGetUrl(key, k20260301T123456, 600),
            PresignGetUrl(LocalPathStyle(), key, {"S3RVER", "S3RVER", "eu-west-1"},
                          k20260301T123456, 600));
}

}  // namespace
}  // namespace liverec::storage
