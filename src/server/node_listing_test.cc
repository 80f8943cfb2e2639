// DescribeLiveClusterNodes over NodeListingSource (docs/api/cluster.md): operator accounts only;
// on SQLite the answering node alone with its load; in cluster mode every node's row with its
// membership lease and the leases its process holds, on a FakeClock.
#include "server/node_listing.h"

#include <gtest/gtest.h>

#include "api/actions/actions.h"
#include "metadata/lease_repository.h"
#include "metadata/node_repository.h"
#include "server/api_setup.h"
#include "testing/test_database.h"

namespace liverec::server {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr int64_t kLeaseMs = 10'000;

class NodeListingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.SetMs(kNow);
    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    tenants_ = std::make_unique<metadata::TenantRepository>(*db_, clock_, random_);
    configs_ = std::make_unique<metadata::RecordConfigRepository>(*db_);
    operator_ = tenants_->EnsureAccount("default")->id;
    tenant_ = tenants_->EnsureAccount("tenant-b")->id;
    deps_ = std::make_unique<api::ApiDependencies>(
        api::ApiDependencies{clock_, random_, *tenants_, *configs_, {}});
  }

  // Lists through the action, as `account`, with `listing` serving the nodes.
  Result<json> Call(const NodeListingSource& listing, const std::string& account) {
    auto operators = OperatorServicesOf(config_, *tenants_, listing);
    EXPECT_TRUE(operators.has_value()) << operators.error().ToString();
    deps_->operators = std::move(*operators);
    api::ActionContext context{*deps_, api::Caller{account, "key"}, clock_.NowMs(), "request-id"};
    return api::actions::DescribeLiveClusterNodes(context, api::Params());
  }

  FakeClock clock_;
  SeededRandom random_{7};
  config::Config config_;
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::unique_ptr<metadata::TenantRepository> tenants_;
  std::unique_ptr<metadata::RecordConfigRepository> configs_;
  std::unique_ptr<api::ApiDependencies> deps_;
  std::string operator_;
  std::string tenant_;
};

TEST_F(NodeListingTest, OnASingleNodeItListsItselfWithItsLoadToOperatorsOnly) {
  NodeListingSource listing(*db_, /*cluster_mode=*/false, kLeaseMs, "rec-1", "1.2.3", kNow - 60'000,
                            [] {
                              return cluster::NodeLoad{4, 2, 1500};
                            });
  config::ClusterConfig cluster;
  listing.SetListeners(cluster, "127.0.0.1:0", 8080, "127.0.0.1:0", 1935);
  auto body = Call(listing, operator_);
  ASSERT_TRUE(body.has_value()) << body.error().ToString();
  EXPECT_EQ((*body)["ClusterMode"], false);
  EXPECT_EQ((*body)["NodeId"], "rec-1");
  EXPECT_EQ((*body)["LeaseSeconds"], 0);
  EXPECT_EQ((*body)["TotalCount"], 1);
  EXPECT_EQ((*body)["LiveCount"], 1);
  const json& node = (*body)["Nodes"]["Node"].at(0);
  EXPECT_EQ(node["NodeId"], "rec-1");
  EXPECT_EQ(node["Status"], "live");
  EXPECT_EQ(node["HttpAddress"], "127.0.0.1:8080");
  EXPECT_EQ(node["RtmpAddress"], "127.0.0.1:1935");
  EXPECT_EQ(node["Version"], "1.2.3");
  EXPECT_EQ(node["StartTime"], "2025-12-31T23:59:00Z");
  EXPECT_EQ(node["HeartbeatTime"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(node["LiveStreams"], 4);
  EXPECT_EQ(node["RelaysRunning"], 2);
  EXPECT_EQ(node["UploadLagSeconds"], 1.5);
  EXPECT_EQ(node["LeaseStatus"], "none");
  EXPECT_EQ(node["LeaseEpoch"], 0);
  EXPECT_EQ(node["LeaseExpireTime"], "");
  EXPECT_EQ(node["LeaseSecondsLeft"], 0.0);
  EXPECT_EQ(node["PublishLeases"], 0);

  auto refused = Call(listing, tenant_);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotOperator);
}

TEST_F(NodeListingTest, OperatorAccountsComeFromTheConfigAndMayBeNone) {
  NodeListingSource listing(*db_, false, kLeaseMs, "rec-1", "1.2.3", kNow, nullptr);
  config_.api.operator_accounts = {"tenant-b"};
  EXPECT_TRUE(Call(listing, tenant_).has_value());
  EXPECT_FALSE(Call(listing, operator_).has_value());
  config_.api.operator_accounts = {};
  EXPECT_EQ(Call(listing, tenant_).error().code(), ErrorCode::kNotOperator);
  config_.api.operator_accounts = {"nobody"};
  EXPECT_FALSE(OperatorServicesOf(config_, *tenants_, listing).has_value());
}

TEST_F(NodeListingTest, InClusterModeEveryNodeIsListedWithItsLeaseAndTheLeasesItHolds) {
  metadata::LeaseRepository leases(*db_, clock_);
  ASSERT_TRUE(leases.Acquire({"node", "a"}, "pa", kLeaseMs).has_value());
  ASSERT_TRUE(metadata::NodeRepository::Save(
                  *db_, {"a", "10.0.0.1:8080", "10.0.0.1:1935", "1.2.3", kNow, kNow, 2, 1, 3000})
                  .ok());
  ASSERT_TRUE(leases.Acquire({"publish", "d/live/s1"}, "pa", kLeaseMs).has_value());
  ASSERT_TRUE(leases.Acquire({"publish", "d/live/s2"}, "pa", kLeaseMs).has_value());
  ASSERT_TRUE(leases.Acquire({"record", "d/live/s1"}, "pa", kLeaseMs).has_value());
  ASSERT_TRUE(leases.Acquire({"relay", "t1"}, "pa", kLeaseMs).has_value());
  ASSERT_TRUE(leases.Acquire({"node", "b"}, "pb", kLeaseMs / 2).has_value());
  ASSERT_TRUE(metadata::NodeRepository::Save(*db_, metadata::NodeRow{.node_id = "b"}).ok());
  auto c_lease = leases.Acquire({"node", "c"}, "pc", kLeaseMs);
  ASSERT_TRUE(c_lease.has_value());
  ASSERT_TRUE(leases.Release({"node", "c"}, "pc", c_lease->epoch).has_value());  // a clean stop
  ASSERT_TRUE(metadata::NodeRepository::Save(*db_, metadata::NodeRow{.node_id = "c"}).ok());
  clock_.AdvanceMs(kLeaseMs / 2 + 1000);  // b's lease lapsed 1 s ago; a's has 4 s left
  NodeListingSource listing(*db_, /*cluster_mode=*/true, kLeaseMs, "a", "1.2.3", kNow, nullptr);
  auto body = Call(listing, operator_);
  ASSERT_TRUE(body.has_value()) << body.error().ToString();
  EXPECT_EQ((*body)["ClusterMode"], true);
  EXPECT_EQ((*body)["LeaseSeconds"], 10);
  EXPECT_EQ((*body)["TotalCount"], 3);
  EXPECT_EQ((*body)["LiveCount"], 1);
  const json& a = (*body)["Nodes"]["Node"].at(0);
  EXPECT_EQ(a["NodeId"], "a");
  EXPECT_EQ(a["Status"], "live");
  EXPECT_EQ(a["LiveStreams"], 2);
  EXPECT_EQ(a["UploadLagSeconds"], 3.0);
  EXPECT_EQ(a["LeaseStatus"], "held");
  EXPECT_EQ(a["LeaseEpoch"], 1);
  EXPECT_EQ(a["LeaseExpireTime"], "2026-01-01T00:00:10Z");
  EXPECT_EQ(a["LeaseSecondsLeft"], 4.0);
  EXPECT_EQ(a["PublishLeases"], 2);
  EXPECT_EQ(a["RecordLeases"], 1);
  EXPECT_EQ(a["RelayLeases"], 1);
  const json& b = (*body)["Nodes"]["Node"].at(1);
  EXPECT_EQ(b["Status"], "dead");
  EXPECT_EQ(b["LeaseStatus"], "lapsed");
  EXPECT_EQ(b["LeaseSecondsLeft"], 0.0);
  EXPECT_EQ(b["StartTime"], "");
  const json& c = (*body)["Nodes"]["Node"].at(2);
  EXPECT_EQ(c["Status"], "dead");
  EXPECT_EQ(c["LeaseStatus"], "released");
  EXPECT_EQ(c["LeaseSecondsLeft"], 0.0);
}

}  // namespace
}  // namespace liverec::server
