#include "server/cluster_node.h"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/temp_dir.h"
#include "testing/test_database.h"

namespace liverec::server {
namespace {

class ClusterNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
  }

  Result<std::unique_ptr<ClusterNode>> Start(const std::string& data_dir) {
    return ClusterNode::Start(*db_, clock_, random_, config_, data_dir, {});
  }

  FakeClock clock_{1'767'225'600'000};
  OsRandom random_;
  config::ClusterConfig config_{.node_id = "rec-1", .lease_seconds = 10};
  liverec::testing::TempDir dir_{"cluster_node"};
  std::unique_ptr<metadata::SqlDatabase> db_;
};

// The data directory remembers the run's instance id: a restart after a crash (the lease left
// live) takes the lease over at once, at the next epoch, instead of waiting it out.
TEST_F(ClusterNodeTest, ARestartOnTheSameDataDirectoryTakesOverTheLeaseOfTheCrashedRun) {
  auto crashed = Start(dir_.path().string());
  ASSERT_TRUE(crashed.has_value()) << crashed.error().ToString();
  std::string first = (*crashed)->membership().instance_id();
  std::ifstream file(dir_.path() / std::string(ClusterNode::kInstanceFile));
  std::string node, instance;
  file >> node >> instance;
  EXPECT_EQ(node, "rec-1");
  EXPECT_EQ(instance, first);
  auto restarted = Start(dir_.path().string());
  ASSERT_TRUE(restarted.has_value()) << restarted.error().ToString();
  EXPECT_EQ((*restarted)->membership().epoch(), 2);
  EXPECT_TRUE((*restarted)->Health().ok());
  auto lease = metadata::LeaseRepository(*db_, clock_).Get({"node", "rec-1"});
  EXPECT_EQ(lease->value().holder, (*restarted)->membership().instance_id());
  (*crashed)->Stop();  // the "crashed" run's release no longer matches: the lease stays
  EXPECT_EQ(metadata::LeaseRepository(*db_, clock_).Get({"node", "rec-1"})->value().holder,
            (*restarted)->membership().instance_id());
}

}  // namespace
}  // namespace liverec::server
