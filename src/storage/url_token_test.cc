#include "storage/url_token.h"

#include <gtest/gtest.h>

#include "base/crypto.h"

namespace liverec::storage {
namespace {

constexpr std::string_view kKey = "0123456789abcdef0123456789abcdef";
constexpr std::string_view kPath = "/records/record/live/s1/1763712000_0.ts";

UrlTokenCheck Check(std::string_view path, std::string_view query, int64_t now_s = 1000,
                    std::string_view key = kKey) {
  return VerifyUrlToken(path, query, key, now_s).check;
}

TEST(UrlTokenTest, AnObjectTokenIsTheTypeAHashOfThePathWithTheExpiryAsTimestamp) {
  std::string query = ObjectTokenQuery(kPath, 2000, "ab12", kKey);
  std::string md5 = HexEncode(Md5(std::string(kPath) + "-2000-ab12-0-" + std::string(kKey)));
  EXPECT_EQ(query, "auth_key=2000-ab12-0-" + md5);
}

TEST(UrlTokenTest, AnObjectTokenIsValidForItsPathUntilItsExpiry) {
  std::string query = ObjectTokenQuery(kPath, 2000, "r", kKey);
  auto verdict = VerifyUrlToken(kPath, query, kKey, 2000);
  EXPECT_EQ(verdict.check, UrlTokenCheck::kValid);
  EXPECT_EQ(verdict.expires_s, 2000);
  EXPECT_EQ(Check(kPath, query, 2001), UrlTokenCheck::kExpired);
  EXPECT_EQ(Check(kPath, "x=1&" + query + "&y=2"), UrlTokenCheck::kValid)
      << "other parameters are not signed";
}

TEST(UrlTokenTest, AnObjectTokenFailsForAnyOtherPathBucketOrKey) {
  std::string query = ObjectTokenQuery(kPath, 2000, "r", kKey);
  EXPECT_EQ(Check("/records/record/live/s1/1763712000_1.ts", query),
            UrlTokenCheck::kWrongSignature);
  EXPECT_EQ(Check("/records-2/record/live/s1/1763712000_0.ts", query),
            UrlTokenCheck::kWrongSignature);
  EXPECT_EQ(Check(kPath, query, 1000, "another key"), UrlTokenCheck::kWrongSignature);
  EXPECT_EQ(Check(kPath, query, 1000, ""), UrlTokenCheck::kWrongSignature);
}

TEST(UrlTokenTest, ATamperedFieldFailsTheHash) {
  std::string query = ObjectTokenQuery(kPath, 2000, "r", kKey);
  std::string later = query;
  later.replace(later.find("2000"), 4, "9000");
  EXPECT_EQ(Check(kPath, later), UrlTokenCheck::kWrongSignature) << "a widened expiry";
  std::string rand = query;
  rand.replace(rand.find("-r-"), 3, "-s-");
  EXPECT_EQ(Check(kPath, rand), UrlTokenCheck::kWrongSignature);
}

TEST(UrlTokenTest, APrefixTokenCoversPathsUnderItsPrefixOnly) {
  std::string query = PrefixTokenQuery("/records/record/live/s1/", 2000, "r", kKey);
  EXPECT_EQ(Check(kPath, query), UrlTokenCheck::kValid);
  EXPECT_EQ(Check("/records/record/live/s1/a/b.m3u8", query), UrlTokenCheck::kValid);
  EXPECT_EQ(Check("/records/record/live/s2/1763712000_0.ts", query), UrlTokenCheck::kOutsidePrefix);
  EXPECT_EQ(Check(kPath, query, 2001), UrlTokenCheck::kExpired);
}

TEST(UrlTokenTest, APrefixCannotBeWidenedOrSwappedForAnObjectToken) {
  std::string query = PrefixTokenQuery("/records/record/live/s1/", 2000, "r", kKey);
  std::string wider = query;
  wider.replace(wider.find("%2Flive%2Fs1%2F"), 15, "%2F");
  ASSERT_NE(wider, query);
  EXPECT_EQ(Check("/records/record/live/s2/x.ts", wider), UrlTokenCheck::kWrongSignature);
  // The prefix token's auth_key alone is not the object token of the prefix's text.
  std::string auth_key = query.substr(query.find("auth_key="));
  EXPECT_EQ(Check("/records/record/live/s1/", auth_key), UrlTokenCheck::kWrongSignature);
  // Nor does an object token pass as a prefix token of its path.
  std::string object = ObjectTokenQuery("/records/record/", 2000, "r", kKey);
  EXPECT_EQ(Check(kPath, "auth_prefix=%2Frecords%2Frecord%2F&" + object),
            UrlTokenCheck::kWrongSignature);
}

TEST(UrlTokenTest, MissingOrMalformedTokensAreToldApart) {
  EXPECT_EQ(Check(kPath, ""), UrlTokenCheck::kMissing);
  EXPECT_EQ(Check(kPath, "auth_prefix=%2Frecords%2F"), UrlTokenCheck::kMissing);
  EXPECT_EQ(Check(kPath, "auth_key=1-2-3"), UrlTokenCheck::kMalformed);
  std::string query = ObjectTokenQuery(kPath, 2000, "r", kKey);
  EXPECT_EQ(Check(kPath, query + "&" + query), UrlTokenCheck::kMalformed) << "given twice";
  EXPECT_EQ(Check(kPath, "auth_prefix=records&" + query), UrlTokenCheck::kMalformed)
      << "a prefix is a path";
}

TEST(UrlTokenTest, CheckNamesAreStable) {
  EXPECT_EQ(UrlTokenCheckName(UrlTokenCheck::kWrongSignature), "wrong_signature");
  EXPECT_EQ(UrlTokenCheckName(UrlTokenCheck::kOutsidePrefix), "outside_prefix");
}

}  // namespace
}  // namespace liverec::storage
