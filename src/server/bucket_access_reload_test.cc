#include "server/bucket_access_reload.h"

#include <gtest/gtest.h>

namespace liverec::server {
namespace {

config::BucketConfig Bucket(std::string name, std::string access = "private") {
  config::BucketConfig b;
  b.name = std::move(name);
  b.path = "/srv/" + b.name;
  b.access = std::move(access);
  return b;
}

TEST(BucketAccessReloadTest, AccessExpiryAndKeyTakeTheReloadedValues) {
  auto reloaded = Bucket("records", "public-read");
  reloaded.url_expiry_s = 60;
  reloaded.url_key = "0123456789abcdef";
  auto plan = PlanBucketAccessReload({Bucket("records")}, {reloaded});
  ASSERT_EQ(plan.buckets.size(), 1u);
  EXPECT_EQ(plan.buckets[0].access, "public-read");
  EXPECT_EQ(plan.buckets[0].url_expiry_s, 60);
  EXPECT_EQ(plan.buckets[0].url_key, "0123456789abcdef");
  EXPECT_EQ(plan.applied,
            (std::vector<std::string>{"bucket records at local: private -> public-read",
                                      "bucket records at local: url_expiry_s 3600 -> 60",
                                      "bucket records at local: a new url_key (URLs signed before "
                                      "stop working)"}));
  EXPECT_TRUE(plan.needs_restart.empty());
}

TEST(BucketAccessReloadTest, OtherChangesWaitForARestartAndKeepTheRunningBuckets) {
  auto moved = Bucket("records");
  moved.path = "/elsewhere";
  auto plan = PlanBucketAccessReload({Bucket("records"), Bucket("old")}, {moved, Bucket("new")});
  ASSERT_EQ(plan.buckets.size(), 2u);
  EXPECT_EQ(plan.buckets[0].path, "/srv/records") << "the running bucket stays as it is";
  EXPECT_EQ(plan.buckets[1].name, "old") << "served until a restart";
  EXPECT_TRUE(plan.applied.empty());
  EXPECT_EQ(plan.needs_restart,
            (std::vector<std::string>{
                "bucket records at local: its account or storage changed: for a restart",
                "bucket old at local is no longer configured: served until a restart",
                "bucket new at local is new: used after a restart"}));
}

}  // namespace
}  // namespace liverec::server
