#include "base/type_a_token.h"

#include <gtest/gtest.h>

namespace liverec {
namespace {

TEST(TypeATokenTest, MatchesTheWorkedExampleOfTheDocs) {
  // docs/recording.md: key abc, /live/s1, timestamp 1700000000, rand and uid 0.
  EXPECT_EQ(MakeTypeAToken("/live/s1", 1700000000, "0", "0", "abc"),
            "1700000000-0-0-09bb6bc8a1b2ef40477f58f723354b61");
}

TEST(TypeATokenTest, ParsesTheFourFields) {
  auto token = ParseTypeAToken("1700000000-r1-u2-09bb6bc8a1b2ef40477f58f723354b61");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->timestamp, 1700000000);
  EXPECT_EQ(token->rand, "r1");
  EXPECT_EQ(token->uid, "u2");
  EXPECT_EQ(token->md5hex, "09bb6bc8a1b2ef40477f58f723354b61");
}

TEST(TypeATokenTest, RefusesMalformedTokens) {
  for (std::string_view bad :
       {"", "1700000000-0-0", "1700000000-0-0-0-09bb6bc8a1b2ef40477f58f723354b61",
        "-0-0-09bb6bc8a1b2ef40477f58f723354b61", "17x-0-0-09bb6bc8a1b2ef40477f58f723354b61",
        "1700000000-0-0-09bb6bc8", "99999999999999999999-0-0-09bb6bc8a1b2ef40477f58f723354b61"}) {
    EXPECT_FALSE(ParseTypeAToken(bad)) << bad;
  }
}

TEST(TypeATokenTest, SignsOnlyItsUriWithItsKey) {
  std::string auth_key = MakeTypeAToken("/a/b", 1000, "r", "0", "key1");
  auto token = ParseTypeAToken(auth_key);
  ASSERT_TRUE(token);
  EXPECT_TRUE(TypeATokenSigns(*token, auth_key, "/a/b", "key1"));
  EXPECT_FALSE(TypeATokenSigns(*token, auth_key, "/a/c", "key1"));
  EXPECT_FALSE(TypeATokenSigns(*token, auth_key, "/a/b", "key2"));
  EXPECT_FALSE(TypeATokenSigns(*token, auth_key, "/a/b", "")) << "an empty key signs nothing";
}

}  // namespace
}  // namespace liverec
