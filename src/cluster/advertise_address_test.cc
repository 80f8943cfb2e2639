#include "cluster/advertise_address.h"

#include <gtest/gtest.h>

namespace liverec::cluster {
namespace {

TEST(AdvertiseAddressTest, TheConfiguredAddressWins) {
  EXPECT_EQ(AdvertiseAddress("rec1.internal:80", "0.0.0.0:8080", 8080, "h"), "rec1.internal:80");
}

TEST(AdvertiseAddressTest, OtherwiseTheListenHostWithTheBoundPort) {
  EXPECT_EQ(AdvertiseAddress("", "127.0.0.1:0", 40123, "h"), "127.0.0.1:40123");
  EXPECT_EQ(AdvertiseAddress("", "10.1.2.3:1935", 1935, "h"), "10.1.2.3:1935");
  EXPECT_EQ(AdvertiseAddress("", "[fd00::5]:8080", 8080, "h"), "[fd00::5]:8080");
}

TEST(AdvertiseAddressTest, AWildcardHostIsReplacedByTheHostName) {
  EXPECT_EQ(AdvertiseAddress("", "0.0.0.0:8080", 8080, "rec1"), "rec1:8080");
  EXPECT_EQ(AdvertiseAddress("", "[::]:1935", 1935, "rec1"), "rec1:1935");
  EXPECT_EQ(AdvertiseAddress("", ":1935", 1935, "rec1"), "rec1:1935");
}

}  // namespace
}  // namespace liverec::cluster
