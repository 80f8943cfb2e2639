// Router end to end without sockets: the API, the health check and bucket files by URL path.
#include "server/router.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/build_info.h"
#include "base/clock.h"
#include "base/random.h"
#include "metadata/record_config_repository.h"
#include "metadata/tenant_repository.h"
#include "server/health_check.h"
#include "testing/temp_dir.h"
#include "testing/test_database.h"

namespace liverec::server {
namespace {

namespace fs = std::filesystem;

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path();
    fs::create_directories(dir_ / "records" / "live");
    std::ofstream(dir_ / "records" / "live" / "a+b 直播.ts") << "plus";
    fs::create_directories(dir_ / "secret" / "live" / "s1");
    std::ofstream(dir_ / "secret" / "live" / "s1" / "0.ts") << "slice";
    std::ofstream(dir_ / "secret" / "live" / "s1" / "p.m3u8")
        << "#EXTM3U\n#EXTINF:10.000,\n0.ts\n#EXTINF:10.000,\n1.ts\n#EXT-X-ENDLIST\n";

    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    tenants_ = std::make_unique<metadata::TenantRepository>(*db_, clock_, random_);
    configs_ = std::make_unique<metadata::RecordConfigRepository>(*db_);
    api_ = std::make_unique<api::ApiService>(
        api::ApiDependencies{clock_, random_, *tenants_, *configs_, {}}, api::ApiOptions{});

    config::Config config;
    config.buckets.push_back({"default", "local", "records", "local", (dir_ / "records").string()});
    config.buckets.push_back(
        {"default", "elsewhere", "remote", "local", (dir_ / "records").string()});
    config.buckets.push_back({"default", "local", "secret", "local", (dir_ / "secret").string()});
    config_ = config;
    BucketAccessEntry records{"default", "local", "records", true, false};
    BucketAccessEntry secret{"default", "local", "secret", true, true, "0123456789abcdef0123"};
    access_ = std::make_unique<BucketAccess>(std::vector<BucketAccessEntry>{records, secret},
                                             "http://127.0.0.1:8080", clock_, random_);
    router_ = std::make_unique<Router>(*api_, config, *access_,
                                       RouterProbes{nullptr, nullptr, &refusals_});
  }

  net::HttpResponse Get(const std::string& target) {
    return router_->Handle(net::HttpRequest{"GET", target, {}, ""});
  }

  liverec::testing::TempDir tmp_{"router"};
  fs::path dir_;
  FakeClock clock_{1'767'225'600'000};
  SeededRandom random_{1};
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::unique_ptr<metadata::TenantRepository> tenants_;
  std::unique_ptr<metadata::RecordConfigRepository> configs_;
  std::unique_ptr<api::ApiService> api_;
  config::Config config_;
  metrics::MetricRegistry registry_;
  metrics::Family<metrics::Counter>& refusals_ =
      registry_.AddCounterFamily("refused_total", "Refusals.", {"reason"});
  std::unique_ptr<BucketAccess> access_;
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

TEST_F(RouterTest, ATargetThatIsNotAPathIs404) {
  // Found by the http_request fuzzer: "?x" decoded to an empty path and threw out_of_range.
  for (const char* target : {"?DomainName=x", "", "*", "records/live/a.ts", "%2Frecords"}) {
    EXPECT_EQ(Get(target).status, 404) << target;
  }
}

TEST_F(RouterTest, OtherMethodsOnObjectsAre405) {
  net::HttpResponse response =
      router_->Handle(net::HttpRequest{"POST", "/records/live/x.ts", {}, ""});
  EXPECT_EQ(response.status, 405);
}

TEST_F(RouterTest, APrivateBucketAnswersTheSame403ToAnythingButAValidToken) {
  for (const char* target :
       {"/secret/live/s1/0.ts", "/secret/live/s1/missing.ts", "/secret/live/s1/0.ts?auth_key=1-2",
        "/secret/live/s1/0.ts?auth_key=99999999999-0-0-00000000000000000000000000000000"}) {
    net::HttpResponse response = Get(target);
    EXPECT_EQ(response.status, 403) << target;
    EXPECT_EQ(response.body, "forbidden\n") << target;
  }
  EXPECT_EQ(router_->Handle(net::HttpRequest{"HEAD", "/secret/live/s1/0.ts", {}, ""}).status, 403);
  std::string rendered = registry_.Render();
  EXPECT_NE(rendered.find("refused_total{reason=\"missing\"} 3"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("refused_total{reason=\"malformed\"} 1"), std::string::npos);
  EXPECT_NE(rendered.find("refused_total{reason=\"wrong_signature\"} 1"), std::string::npos);
}

TEST_F(RouterTest, ASignedUrlReadsItsObjectAndAMissingOneIs404) {
  std::string url = access_->ObjectUrl("local", "secret", "live/s1/0.ts");
  std::string target = url.substr(std::string("http://127.0.0.1:8080").size());
  net::HttpResponse response = Get(target);
  EXPECT_EQ(response.status, 200) << target;
  EXPECT_EQ(response.file_path, (dir_ / "secret" / "live" / "s1" / "0.ts").string());
  auto missing = access_->SignedUrl("local", "secret", "live/s1/missing.ts", false, 60);
  EXPECT_EQ(Get(missing->substr(std::string("http://127.0.0.1:8080").size())).status, 404)
      << "the holder of a valid token may learn that its object is gone";
}

TEST_F(RouterTest, APlaylistReadThroughATokenCarriesTokensForItsSegments) {
  std::string url = access_->ObjectUrl("local", "secret", "live/s1/p.m3u8");
  net::HttpResponse response = Get(url.substr(std::string("http://127.0.0.1:8080").size()));
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.file_path, "") << "rewritten, in the body";
  EXPECT_EQ(response.content_type, "application/vnd.apple.mpegurl");
  auto segment = response.body.find("\n0.ts?auth_key=");
  ASSERT_NE(segment, std::string::npos) << response.body;
  std::string line =
      response.body.substr(segment + 1, response.body.find('\n', segment + 1) - segment - 1);
  EXPECT_EQ(Get("/secret/live/s1/" + line).status, 200) << line;
  EXPECT_NE(response.body.find("\n1.ts?auth_key="), std::string::npos);
  EXPECT_NE(response.body.find("#EXT-X-ENDLIST\n"), std::string::npos);
  // The stored playlist is unchanged.
  std::ifstream stored(dir_ / "secret" / "live" / "s1" / "p.m3u8");
  std::string text((std::istreambuf_iterator<char>(stored)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("auth_key"), std::string::npos);
}

TEST_F(RouterTest, TheConsoleIsServedFromTheBinaryWithItsSecurityHeaders) {
  net::HttpResponse index = Get("/console/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("app/main.js"), std::string::npos);
  auto header = [](const net::HttpResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return std::string();
  };
  EXPECT_EQ(header(index, "Content-Security-Policy"), kConsoleContentSecurityPolicy);
  EXPECT_EQ(header(index, "X-Content-Type-Options"), "nosniff");
  net::HttpResponse script = Get("/console/app/main.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/console/vendor/preact-htm.js").status, 200);
  EXPECT_EQ(Get("/console/app/none.js").status, 404);
  EXPECT_EQ(Get("/console").status, 301);
  EXPECT_EQ(router_->Handle(net::HttpRequest{"POST", "/console/", {}, ""}).status, 405);
}

TEST_F(RouterTest, MetricsAreServedInTheTextFormatOnGetOnly) {
  EXPECT_EQ(Get("/metrics").status, 404) << "no registry: not served";
  metrics::MetricRegistry registry;
  registry.AddCounter("test_total", "A test counter.").Add(7);
  config::Config config;
  router_ = std::make_unique<Router>(*api_, config, *access_, RouterProbes{nullptr, &registry});
  net::HttpResponse response = Get("/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response.body,
            "# HELP test_total A test counter.\n# TYPE test_total counter\ntest_total 7\n");
  response = router_->Handle(net::HttpRequest{"POST", "/metrics", {}, ""});
  EXPECT_EQ(response.status, 405);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0], (std::pair<std::string, std::string>{"Allow", "GET"}));
}

TEST_F(RouterTest, HealthzIs503WithTheReasonWhenTheCheckFails) {
  config::Config config;
  std::atomic<bool> stopping{false};
  HealthCheck check(*db_, stopping, nullptr, clock_);
  router_ = std::make_unique<Router>(*api_, config, *access_,
                                     RouterProbes{[&check] { return check.Check(); }, nullptr});
  EXPECT_EQ(Get("/healthz").status, 200);
  EXPECT_EQ(Get("/healthz").body, "ok\n");
  stopping = true;
  net::HttpResponse response = Get("/healthz");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body, "unavailable: shutting down\n");
}

TEST_F(RouterTest, VersionIsJsonWithTheVersionAndCommit) {
  net::HttpResponse response = Get("/version");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["version"], std::string(BuildVersion()));
  EXPECT_EQ(body["commit"], std::string(BuildCommit()));
  EXPECT_EQ(router_->Handle(net::HttpRequest{"POST", "/version", {}, ""}).status, 405);
}

// Recommend (ApiOptions' default "/docs/errors") opens the catalogue at the code's row.
TEST_F(RouterTest, AnErrorsRecommendLeadsToItsRowOfTheErrorCatalogue) {
  auto error = nlohmann::json::parse(Get("/?Action=DescribeLiveRecordConfig").body);
  std::string recommend = error["Recommend"];
  auto hash = recommend.find('#');
  ASSERT_NE(hash, std::string::npos) << recommend;
  net::HttpResponse page = Get(recommend.substr(0, hash));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  std::string code = error["Code"];
  EXPECT_NE(page.body.find("<tr id=\"" + code + "\">"), std::string::npos) << code;
}

TEST_F(RouterTest, TheErrorCatalogueHasARowForEveryCode) {
  std::string page = Get("/docs/errors").body;
  for (const char* code : {"SignatureDoesNotMatch", "InvalidConfig.NotFound", "DirectoryInUse",
                           "StorageFailure", "MuxerFailure"}) {
    EXPECT_NE(page.find(std::string("<tr id=\"") + code + "\">"), std::string::npos) << code;
  }
  EXPECT_NE(page.find("<tr data-prefix=\"Missing\" data-suffix=\"\">"), std::string::npos)
      << "MissingDomainName finds the row of Missing{}";
  EXPECT_NE(page.find("The specified parameter &quot;{}&quot; is not valid."), std::string::npos)
      << "messages are escaped";
}

TEST_F(RouterTest, TheNamesTheServerAnswersAreReservedForLocalBuckets) {
  for (const char* name : {"healthz", "metrics", "version", "docs"}) {
    EXPECT_TRUE(config::IsReservedBucketName(name)) << name;
  }
  EXPECT_EQ(Get("/docs/other").status, 404) << "only /docs/errors is served under docs";
}

}  // namespace
}  // namespace liverec::server
