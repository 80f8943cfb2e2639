// The XML of S3 replies and of CompleteMultipartUpload.
#include "storage/s3/s3_xml.h"

#include <gtest/gtest.h>

namespace liverec::storage {
namespace {

TEST(S3XmlTest, ReadsErrorsUploadIdsAndListings) {
  auto error = ParseS3Error(
      "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>a &amp; b</Message>"
      "<RequestId>r1</RequestId></Error>");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "NoSuchKey");
  EXPECT_EQ(error->message, "a & b");
  EXPECT_EQ(error->request_id, "r1");
  EXPECT_FALSE(ParseS3Error(""));
  EXPECT_FALSE(ParseS3Error("<html><body>502 Bad Gateway</body></html>"));
  EXPECT_FALSE(ParseS3Error("<Error><Code>x"));

  auto id = ParseUploadId(
      "<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Bucket>b</Bucket><Key>k</Key><UploadId>abc-123</UploadId></InitiateMultipartUploadResult>");
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, "abc-123");
  EXPECT_FALSE(ParseUploadId("<InitiateMultipartUploadResult/>"));

  auto page = ParseListPage(
      "<ListBucketResult><IsTruncated>true</IsTruncated>"
      "<Contents><Key>a/1.ts</Key><LastModified>2026-01-02T03:04:05.678Z</LastModified>"
      "<ETag>\"x\"</ETag><Size>123</Size></Contents>"
      "<Contents><Key>a/2.ts</Key><Size>0</Size></Contents>"
      "<NextContinuationToken>t/2</NextContinuationToken></ListBucketResult>");
  ASSERT_TRUE(page) << page.error().ToString();
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "a/1.ts");
  EXPECT_EQ(page->objects[0].size, 123u);
  EXPECT_EQ(page->objects[0].modified_ms, 1767323045678);
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_continuation_token, "t/2");
  EXPECT_FALSE(
      ParseListPage("<ListBucketResult><Contents><Size>-1</Size></Contents></ListBucketResult>"));
  EXPECT_FALSE(
      ParseListPage("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"));
  EXPECT_FALSE(ParseListPage("<Error/>"));
}

TEST(S3XmlTest, WritesCompleteMultipartUploadWithEscapedEtags) {
  EXPECT_EQ(CompleteMultipartXml({"\"a\"", "\"b\""}),
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>&quot;a&quot;</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>&quot;b&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
}

}  // namespace
}  // namespace liverec::storage
