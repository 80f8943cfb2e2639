#include "base/ids.h"

#include <regex>
#include <set>

#include <gtest/gtest.h>

namespace liverec {
namespace {

TEST(IdsTest, NewIdIsAUuidV7ThatSortsByTime) {
  FakeClock clock(1767225600000);
  OsRandom random;
  std::string first = NewId(clock, random);
  clock.AdvanceMs(1);
  std::string second = NewId(clock, random);
  EXPECT_TRUE(std::regex_match(
      first, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << first;
  EXPECT_LT(first, second);
}

TEST(IdsTest, IdsMadeInOneMillisecondSortInTheOrderTheyWereMade) {
  FakeClock clock(1767225700000);
  OsRandom random;
  std::string previous = NewId(clock, random);
  for (int i = 0; i < 3000; ++i) {  // more than the counter's 2048 guaranteed steps
    std::string next = NewId(clock, random);
    EXPECT_EQ(next.substr(0, 13), previous.substr(0, 13)) << "same millisecond";
    if (next <= previous && i < 2047) ADD_FAILURE() << previous << " then " << next;
    previous = next;
  }
}

TEST(IdsTest, RequestIdIsUpperCaseUuid) {
  OsRandom random;
  std::string id = NewRequestId(random);
  EXPECT_TRUE(std::regex_match(
      id, std::regex("[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}")))
      << id;
}

TEST(IdsTest, NameBasedIdIsTheUuidV8OfRfc9562AppendixB2) {
  // RFC 9562 B.2: SHA-256 of the DNS namespace and "www.example.com".
  EXPECT_EQ(NameBasedId("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com"),
            "5c146b14-3c52-8afd-938a-375d0df1fbf6");
  EXPECT_EQ(NameBasedId("6BA7B810-9DAD-11D1-80B4-00C04FD430C8", "www.example.com"),
            "5c146b14-3c52-8afd-938a-375d0df1fbf6");
  EXPECT_NE(NameBasedId("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.org"),
            "5c146b14-3c52-8afd-938a-375d0df1fbf6");
  EXPECT_EQ(NameBasedId("not-a-uuid", "x"), "");
  EXPECT_EQ(NameBasedId("6ba7b810-9dad-11d1-80b4-00c04fd430", "x"), "");
}

TEST(IdsTest, RandomAlphanumericHasLengthAndAlphabet) {
  OsRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string key = RandomAlphanumeric(random, 30);
    EXPECT_TRUE(std::regex_match(key, std::regex("[A-Za-z0-9]{30}"))) << key;
    seen.insert(key);
  }
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace liverec
