// Router end to end without sockets: the API, the health check and bucket files by URL path.
#include "server/router.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "metadata/migrations.h"
#include "metadata/record_config_repository.h"
#include "metadata/sqlite/sqlite_database.h"
#include "metadata/tenant_repository.h"

namespace liverec::server {
namespace {

namespace fs = std::filesystem;

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string base = (fs::temp_directory_path() / "router_test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(base.data()), nullptr);
    dir_ = base;
    fs::create_directories(dir_ / "records" / "live");
    std::ofstream(dir_ / "records" / "live" / "a+b 直播.ts") << "plus";

    auto db = metadata::SqliteDatabase::Open(":memory:");
    ASSERT_TRUE(db);
    db_ = std::move(*db);
    ASSERT_TRUE(metadata::ApplyMigrations(*db_, clock_).ok());
    tenants_ = std::make_unique<metadata::TenantRepository>(*db_, clock_, random_);
    configs_ = std::make_unique<metadata::RecordConfigRepository>(*db_);
    api_ = std::make_unique<api::ApiService>(
        api::ApiDependencies{clock_, random_, *tenants_, *configs_, {}}, api::ApiOptions{});

    config::Config config;
    config.buckets.push_back({"default", "local", "records", "local", (dir_ / "records").string()});
    config.buckets.push_back(
        {"default", "elsewhere", "remote", "local", (dir_ / "records").string()});
    router_ = std::make_unique<Router>(*api_, config);
  }
  void TearDown() override { fs::remove_all(dir_); }

  net::HttpResponse Get(const std::string& target) {
    return router_->Handle(net::HttpRequest{"GET", target, {}, ""});
  }

  fs::path dir_;
  FakeClock clock_{1'767'225'600'000};
  SeededRandom random_{1};
  std::unique_ptr<metadata::SqliteDatabase> db_;
  std::unique_ptr<metadata::TenantRepository> tenants_;
  std::unique_ptr<metadata::RecordConfigRepository> configs_;
  std::unique_ptr<api::ApiService> api_;
  std::unique_ptr<Router> router_;
};

TEST_F(RouterTest, HealthzSaysOk) {
  net::HttpResponse response = Get("/healthz");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ok\n");
}

TEST_F(RouterTest, TheRootGoesToTheApi) {
  net::HttpResponse response = Get("/?Action=DescribeLiveRecordConfig");
  EXPECT_NE(response.status, 404);
  EXPECT_NE(response.body.find("RequestId"), std::string::npos) << response.body;
}

TEST_F(RouterTest, ObjectPathsArePercentDecodedButPlusStaysPlus) {
  const std::string file = (dir_ / "records" / "live" / "a+b 直播.ts").string();
  for (const char* target : {"/records/live/a+b%20%E7%9B%B4%E6%92%AD.ts?x=1",
                             "/records/live/a%2Bb%20%E7%9B%B4%E6%92%AD.ts",
                             "/records/live%2Fa+b%20%E7%9B%B4%E6%92%AD.ts"}) {
    net::HttpResponse response = Get(target);
    EXPECT_EQ(response.status, 200) << target;
    EXPECT_EQ(response.file_path, file) << target;
    EXPECT_EQ(response.content_type, "video/mp2t");
  }
}

TEST_F(RouterTest, ARangeOfABucketFileIsPartialContent) {
  net::HttpRequest request{"GET", "/records/live/a+b%20%E7%9B%B4%E6%92%AD.ts", {}, ""};
  request.headers["range"] = "bytes=1-2";
  net::HttpResponse response = router_->Handle(request);
  EXPECT_EQ(response.status, 206);
  EXPECT_EQ(response.body, "lu");
}

TEST_F(RouterTest, OnlyBucketsOfTheLocalEndpointAreServed) {
  EXPECT_EQ(Get("/remote/live/a+b%20%E7%9B%B4%E6%92%AD.ts").status, 404);
  EXPECT_EQ(Get("/nobucket/live/x.ts").status, 404);
}

TEST_F(RouterTest, OtherMethodsOnObjectsAre405) {
  net::HttpResponse response =
      router_->Handle(net::HttpRequest{"POST", "/records/live/x.ts", {}, ""});
  EXPECT_EQ(response.status, 405);
}

}  // namespace
}  // namespace liverec::server
