#include "config/cluster_config.h"

#include <gtest/gtest.h>

#include "config/config.h"

namespace liverec::config {
namespace {

Result<Config> Load(const std::string& text, std::map<std::string, std::string> env = {}) {
  ConfigSources sources;
  sources.file_text = text;
  sources.env = std::move(env);
  return LoadConfig(sources);
}

TEST(ClusterConfigTest, DefaultsAreTheHostNameATenSecondLeaseAndTheListenAddresses) {
  auto config = Load("");
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_FALSE(config->cluster.node_id.empty());
  EXPECT_EQ(config->cluster.node_id, DefaultNodeId());
  EXPECT_EQ(config->cluster.lease_seconds, 10);
  EXPECT_EQ(config->cluster.advertise_http, "");  // resolved from the bound port at start
  EXPECT_EQ(config->cluster.advertise_rtmp, "");
}

TEST(ClusterConfigTest, EveryKeyIsReadAndTheEnvironmentNamesTheNode) {
  auto config = Load(
      "[cluster]\nnode_id = \"rec-1\"\nlease_seconds = 30\nadvertise_http = \"10.0.0.5:8080\"\n"
      "advertise_rtmp = \"10.0.0.5:1935\"\n");
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->cluster.node_id, "rec-1");
  EXPECT_EQ(config->cluster.lease_seconds, 30);
  EXPECT_EQ(config->cluster.advertise_http, "10.0.0.5:8080");
  EXPECT_EQ(config->cluster.advertise_rtmp, "10.0.0.5:1935");
  auto from_env = Load("[cluster]\nnode_id = \"rec-1\"\n", {{"LIVEREC_NODE_ID", "rec-2"}});
  ASSERT_TRUE(from_env.has_value());
  EXPECT_EQ(from_env->cluster.node_id, "rec-2");
}

TEST(ClusterConfigTest, BadValuesAndUnknownKeysAreReportedTogether) {
  auto config = Load(
      "[cluster]\nnode_id = \"rec 1/x\"\nlease_seconds = 2\nadvertise_http = \"nowhere\"\n"
      "advertise_rtmp = \"h:99999\"\nlease_second = 4\n");
  ASSERT_FALSE(config.has_value());
  std::string message = config.error().Message();
  EXPECT_NE(message.find("cluster.node_id: 'rec 1/x' must be 1-64 of letters, digits, . _ -"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("cluster.lease_seconds: must be 5-300"), std::string::npos) << message;
  EXPECT_NE(message.find("cluster.advertise_http: 'nowhere' is not host:port"), std::string::npos);
  EXPECT_NE(message.find("cluster.advertise_rtmp: 'h:99999' is not host:port"), std::string::npos);
  EXPECT_NE(message.find("cluster.lease_second"), std::string::npos) << message;
}

TEST(ClusterConfigTest, OnlyTheTestingSectionLowersTheLeaseMinimum) {
  EXPECT_FALSE(Load("[cluster]\nlease_seconds = 2\n").has_value());
  // min_lease_seconds is ignored unless the testing section is enabled.
  EXPECT_FALSE(
      Load("[cluster]\nlease_seconds = 2\n[testing]\nmin_lease_seconds = 1\n").has_value());
  auto lowered =
      Load("[cluster]\nlease_seconds = 2\n[testing]\nenabled = true\nmin_lease_seconds = 1\n");
  ASSERT_TRUE(lowered.has_value()) << lowered.error().ToString();
  EXPECT_EQ(lowered->cluster.lease_seconds, 2);
}

TEST(ClusterConfigTest, TheCommandTimeoutIsASecondByDefaultAndBounded) {
  EXPECT_EQ(Load("")->cluster.command_timeout_ms, 1000);
  EXPECT_EQ(Load("[cluster]\ncommand_timeout_ms = 2500\n")->cluster.command_timeout_ms, 2500);
  auto low = Load("[cluster]\ncommand_timeout_ms = 99\n");
  ASSERT_FALSE(low.has_value());
  EXPECT_NE(low.error().Message().find("cluster.command_timeout_ms: must be 100-60000"),
            std::string::npos)
      << low.error().Message();
  EXPECT_FALSE(Load("[cluster]\ncommand_timeout_ms = 60001\n").has_value());
}

TEST(ClusterConfigTest, NodeIdsAreShortNamesOfSafeCharacters) {
  EXPECT_TRUE(IsValidNodeId("rec-1.eu_west"));
  EXPECT_FALSE(IsValidNodeId(""));
  EXPECT_FALSE(IsValidNodeId(std::string(65, 'a')));
  EXPECT_TRUE(IsValidNodeId(std::string(64, 'a')));
  EXPECT_FALSE(IsValidNodeId("a\"b"));
  EXPECT_FALSE(IsValidNodeId("a b"));
}

}  // namespace
}  // namespace liverec::config
