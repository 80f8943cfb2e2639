#include "net/connection_table.h"

#include <gtest/gtest.h>

namespace liverec::net {
namespace {

TEST(ConnectionTableTest, AdmitsWithoutEvictingBelowTheCap) {
  ConnectionTable table(2);
  auto a = table.Admit(0, [] {});
  auto b = table.Admit(1, [] {});
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(a->evicted);
  EXPECT_FALSE(b->evicted);
  EXPECT_NE(a->id, b->id);
  EXPECT_EQ(table.size(), 2);
}

TEST(ConnectionTableTest, AtTheCapTheLongestIdleConnectionMakesRoom) {
  ConnectionTable table(2);
  std::string closed;
  auto a = table.Admit(0, [&] { closed += "a"; });
  auto b = table.Admit(0, [&] { closed += "b"; });
  table.SetIdle(a->id, 50);
  table.SetIdle(b->id, 10);  // b has waited longer
  auto c = table.Admit(100, [&] { closed += "c"; });
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->evicted);
  c->evicted();
  EXPECT_EQ(closed, "b");
  EXPECT_EQ(table.size(), 2);
  EXPECT_EQ(table.evictions(), 1);
}

TEST(ConnectionTableTest, BusyConnectionsAreNeverEvicted) {
  ConnectionTable table(2);
  std::string closed;
  auto a = table.Admit(0, [&] { closed += "a"; });
  auto b = table.Admit(5, [&] { closed += "b"; });
  table.SetBusy(a->id);  // a's request is being answered, b still waits
  auto c = table.Admit(100, [&] { closed += "c"; });
  ASSERT_TRUE(c && c->evicted);
  c->evicted();
  EXPECT_EQ(closed, "b");
}

TEST(ConnectionTableTest, RefusesWhenEveryConnectionAtTheCapIsBusy) {
  ConnectionTable table(1);
  auto a = table.Admit(0, [] {});
  table.SetBusy(a->id);
  EXPECT_FALSE(table.Admit(1, [] {}));
  EXPECT_EQ(table.size(), 1);
}

TEST(ConnectionTableTest, ARemovedConnectionFreesItsPlace) {
  ConnectionTable table(1);
  auto a = table.Admit(0, [] {});
  table.SetBusy(a->id);
  table.Remove(a->id);
  table.Remove(a->id);  // twice (evicted, then its session ends): harmless
  auto b = table.Admit(1, [] {});
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->evicted);
  EXPECT_EQ(table.size(), 1);
}

TEST(ConnectionTableTest, AnEvictedConnectionIsNoLongerCounted) {
  ConnectionTable table(1);
  auto a = table.Admit(0, [] {});
  auto b = table.Admit(1, [] {});  // evicts a (idle since admission)
  ASSERT_TRUE(b && b->evicted);
  table.Remove(a->id);  // a's session ends later: no effect on b's place
  EXPECT_EQ(table.size(), 1);
}

}  // namespace
}  // namespace liverec::net
