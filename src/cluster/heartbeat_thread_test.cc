#include "cluster/heartbeat_thread.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "testing/test_database.h"

namespace liverec::cluster {
namespace {

// Real time, a short lease (beats every 100 ms): the thread keeps the lease live well past its
// length, and Stop releases it.
TEST(HeartbeatThreadTest, KeepsTheLeaseLivePastItsLengthAndReleasesItWhenStopped) {
  SystemClock clock;
  auto database = testing::TestDatabase::CreateMigrated(testing::Backend::kSqlite, clock);
  ASSERT_TRUE(database.has_value());
  metadata::SqlDatabase& db = (*database)->db();
  Membership membership(db, clock, "i1", NodeIdentity{"n1", "h:1", "h:2", "v"}, 300, {});
  ASSERT_TRUE(membership.Join([](int64_t) {}).ok());
  metadata::LeaseRepository leases(db, clock);
  int64_t first_expiry = leases.Get({"node", "n1"})->value().expires_at_ms;
  HeartbeatThread heartbeat(membership);
  heartbeat.Start();
  // Wait (bounded) until the lease has been renewed past twice its first expiry's distance.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (leases.Get({"node", "n1"})->value().expires_at_ms < first_expiry + 600 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(leases.Get({"node", "n1"})->value().expires_at_ms, first_expiry + 600);
  EXPECT_TRUE(membership.Health().ok()) << membership.Health().ToString();
  heartbeat.Stop();
  metadata::Lease after = leases.Get({"node", "n1"})->value();
  EXPECT_EQ(after.holder, "");
  EXPECT_EQ(after.epoch, 1);
}

}  // namespace
}  // namespace liverec::cluster
