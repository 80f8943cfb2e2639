#include "callbacks/notify_signing.h"

#include <gtest/gtest.h>

namespace liverec::callbacks {
namespace {

TEST(NotifySigningTest, MatchesTheSpecExampleString) {
  // Spec §6.2: md5("learn.aliyundoc.com|1519375990|yourkey"), lower-case hex (value computed
  // independently with Python's hashlib).
  EXPECT_EQ(NotifySignature("learn.aliyundoc.com", 1519375990, "yourkey"),
            "9e226fc2c250be266e3657e156f68c12");
}

TEST(NotifySigningTest, HeadersCarryTheSendTimeInSecondsAndItsSignature) {
  auto headers = NotifyAuthHeaders("learn.aliyundoc.com", 1519375990'999, "yourkey");
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers.at("ALI-LIVE-TIMESTAMP"), "1519375990");
  EXPECT_EQ(headers.at("ALI-LIVE-SIGNATURE"), "9e226fc2c250be266e3657e156f68c12");
}

TEST(NotifySigningTest, EveryInputChangesTheSignature) {
  std::string base = NotifySignature("a.example.com", 100, "key0123456789abc");
  EXPECT_NE(NotifySignature("b.example.com", 100, "key0123456789abc"), base);
  EXPECT_NE(NotifySignature("a.example.com", 101, "key0123456789abc"), base);
  EXPECT_NE(NotifySignature("a.example.com", 100, "key0123456789abd"), base);
  EXPECT_EQ(base.size(), 32u);
}

}  // namespace
}  // namespace liverec::callbacks
