#include "base/names.h"

#include <string>

#include <gtest/gtest.h>

namespace liverec {
namespace {

TEST(NamesTest, DomainNames) {
  EXPECT_TRUE(IsValidDomainName("example.com"));
  EXPECT_TRUE(IsValidDomainName("live-1.example.com"));
  EXPECT_FALSE(IsValidDomainName(""));
  EXPECT_FALSE(IsValidDomainName(".example.com"));
  EXPECT_FALSE(IsValidDomainName("example..com"));
  EXPECT_FALSE(IsValidDomainName("-a.com"));
  EXPECT_FALSE(IsValidDomainName("a_b.com"));
  EXPECT_FALSE(IsValidDomainName(std::string(64, 'a') + ".com"));
}

TEST(NamesTest, AppAndStreamNames) {
  EXPECT_TRUE(IsValidAppName("live"));
  EXPECT_TRUE(IsValidAppName("a-b_c.d"));
  EXPECT_FALSE(IsValidAppName(""));
  EXPECT_FALSE(IsValidAppName(".."));
  EXPECT_FALSE(IsValidAppName("a/b"));
  EXPECT_FALSE(IsValidAppName("*"));
  EXPECT_FALSE(IsValidAppName(std::string(256, 'a')));
}

TEST(NamesTest, BucketNamesAndEndpoints) {
  EXPECT_TRUE(IsValidBucketName("records"));
  EXPECT_TRUE(IsValidBucketName("rec-2"));
  EXPECT_FALSE(IsValidBucketName("Bad_Bucket"));
  EXPECT_FALSE(IsValidBucketName("ab"));
  EXPECT_FALSE(IsValidBucketName("-ab"));
  EXPECT_TRUE(IsValidEndpoint("local"));
  EXPECT_TRUE(IsValidEndpoint("oss-cn-shanghai.aliyuncs.com"));
  EXPECT_TRUE(IsValidEndpoint("127.0.0.1:9000"));
  EXPECT_FALSE(IsValidEndpoint("http://x"));
  EXPECT_FALSE(IsValidEndpoint("x:"));
}

}  // namespace
}  // namespace liverec
