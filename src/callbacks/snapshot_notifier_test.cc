#include "callbacks/snapshot_notifier.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace liverec::callbacks {
namespace {

TEST(SnapshotNotifierTest, TheBodyNamesTheStoredObjectAndTheCapture) {
  SnapshotInfo s{"acc",
                 "live.example.com",
                 "app",
                 "cam",
                 "local",
                 "records",
                 "snapshot/app/cam/1767225605.jpg",
                 false,
                 1'767'225'605'250,
                 1280,
                 720};
  auto body = nlohmann::json::parse(SnapshotBody(s));
  EXPECT_EQ(body["event"], "live_snapshot");
  EXPECT_EQ(body["domain"], "live.example.com");
  EXPECT_EQ(body["app"], "app");
  EXPECT_EQ(body["stream"], "cam");
  EXPECT_EQ(body["ossBucket"], "records");
  EXPECT_EQ(body["ossEndpoint"], "local");
  EXPECT_EQ(body["ossObject"], "snapshot/app/cam/1767225605.jpg");
  EXPECT_EQ(body["isOverlay"], false);
  EXPECT_EQ(body["timestamp"], 1'767'225'605);
  EXPECT_EQ(body["width"], 1280);
  EXPECT_EQ(body["height"], 720);
  EXPECT_FALSE(body.contains("account_id")) << "the account stays inside";
}

}  // namespace
}  // namespace liverec::callbacks
