#include "net/descriptor_limits.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace liverec::net {
namespace {

TEST(DescriptorLimitsTest, TheConfiguredCapHoldsWhenDescriptorsAreAmple) {
  EXPECT_EQ(ConnectionBudget(4096, 1'048'576, 2), 4096);
}

TEST(DescriptorLimitsTest, ALowLimitShrinksTheCapToTheListenersShare) {
  EXPECT_EQ(ConnectionBudget(4096, 1024, 2), 480);  // (1024 - 64) / 2
  EXPECT_EQ(ConnectionBudget(5000, 1024, 4), 240);
  EXPECT_EQ(ConnectionBudget(4096, 256, 2), 96);
}

TEST(DescriptorLimitsTest, TheCapIsNeverBelowOne) { EXPECT_EQ(ConnectionBudget(4096, 10, 2), 1); }

TEST(DescriptorLimitsTest, RaisingTheLimitLeavesTheSoftLimitAtTheHardOne) {
  auto limit = RaiseOpenFileLimit();
  ASSERT_TRUE(limit.has_value());
  EXPECT_GE(limit->soft, limit->before);
  if (limit->hard > 0 && limit->hard <= 1'048'576) {
    EXPECT_EQ(limit->soft, limit->hard);
  }
}

TEST(DescriptorLimitsTest, OutOfDescriptorsMeansEmfileOrEnfileNotAnAbortedConnection) {
  EXPECT_TRUE(IsOutOfDescriptors(EMFILE));
  EXPECT_TRUE(IsOutOfDescriptors(ENFILE));
  EXPECT_FALSE(IsOutOfDescriptors(ECONNABORTED));
}

TEST(DescriptorLimitsTest, TheSpareDescriptorIsHeldAgainAfterShedding) {
  SpareDescriptor spare;
  EXPECT_TRUE(spare.held());
  EXPECT_FALSE(spare.ShedOne(-1));  // nothing to accept
  EXPECT_TRUE(spare.held());
}

}  // namespace
}  // namespace liverec::net
