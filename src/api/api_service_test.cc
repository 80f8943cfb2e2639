// ApiService end to end without sockets: signed requests in, Alibaba-shaped responses out.
#include "api/api_service.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/signature_v3.h"
#include "base/crypto.h"
#include "base/percent_encoding.h"
#include "base/time_format.h"
#include "testing/test_database.h"

namespace liverec::api {
namespace {

constexpr int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr char kKeyId[] = "LTAItestkey0000000000001";
constexpr char kSecret[] = "testsecret000000000000000000001";

class ApiServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    tenants_ = std::make_unique<metadata::TenantRepository>(*db_, clock_, random_);
    configs_ = std::make_unique<metadata::RecordConfigRepository>(*db_);
    auto a = tenants_->EnsureAccount("default");
    auto b = tenants_->EnsureAccount("b");
    ASSERT_TRUE(tenants_->UpsertAccessKey({kKeyId, a->id, kSecret, true, kNow}).ok());
    ASSERT_TRUE(
        tenants_->UpsertAccessKey({"BKeyId000000001", b->id, "bsecret000000000001", true, kNow})
            .ok());
    ASSERT_TRUE(
        tenants_->UpsertAccessKey({"OffKeyId0000001", a->id, "offsecret0000000001", false, kNow})
            .ok());
    ASSERT_TRUE(tenants_->ReplaceDomains({{b->id, "b.example.com", {}}}).ok());
    ASSERT_TRUE(tenants_
                    ->ReplaceBuckets({{a->id, "local", "records", "local", "/tmp/x"},
                                      {b->id, "local", "records-b", "local", "/tmp/y"}})
                    .ok());
    service_ = std::make_unique<ApiService>(
        ApiDependencies{clock_, random_, *tenants_, *configs_, {}}, ApiOptions{});
  }

  ParamMap Common(const std::string& action, const std::string& key_id = kKeyId) {
    return {{"Action", action},
            {"Version", "2016-11-01"},
            {"Format", "JSON"},
            {"AccessKeyId", key_id},
            {"SignatureMethod", "HMAC-SHA1"},
            {"SignatureVersion", "1.0"},
            {"SignatureNonce", "nonce-" + std::to_string(++nonce_)},
            {"Timestamp", FormatIsoUtc(clock_.NowMs())}};
  }

  static std::string Encode(const ParamMap& params) {
    std::string out;
    for (const auto& [k, v] : params)
      out += (out.empty() ? "" : "&") + PopEncode(k) + "=" + PopEncode(v);
    return out;
  }

  // A V1-signed request; GET puts everything in the query, POST in a form body.
  ApiRequest V1(const std::string& method, ParamMap params, const std::string& secret = kSecret) {
    params["Signature"] = V1Signature(secret, V1StringToSign(method, params));
    ApiRequest request;
    request.method = method;
    request.headers["host"] = "127.0.0.1:8080";
    if (method == "GET") {
      request.target = "/?" + Encode(params);
    } else {
      request.target = "/";
      request.headers["content-type"] = "application/x-www-form-urlencoded";
      request.body = Encode(params);
    }
    return request;
  }

  ApiRequest V3(const std::string& action, const ParamMap& query,
                const std::string& secret = kSecret) {
    ApiRequest request;
    request.method = "POST";
    request.target = "/?" + Encode(query);
    request.headers = {{"host", "127.0.0.1:8080"},
                       {"x-acs-action", action},
                       {"x-acs-version", "2016-11-01"},
                       {"x-acs-date", FormatIsoUtc(clock_.NowMs())},
                       {"x-acs-signature-nonce", "v3nonce-" + std::to_string(++nonce_)},
                       {"x-acs-content-sha256", HexEncode(Sha256(""))}};
    std::vector<std::string> names;
    for (const auto& [name, value] : request.headers) names.push_back(name);
    auto canonical =
        V3CanonicalRequest("POST", "/", query, request.headers, names, HexEncode(Sha256("")));
    std::string joined;
    for (const auto& n : names) joined += (joined.empty() ? "" : ";") + n;
    request.headers["authorization"] =
        std::string("ACS3-HMAC-SHA256 Credential=") + kKeyId + ",SignedHeaders=" + joined +
        ",Signature=" + V3Signature(secret, V3StringToSign(canonical));
    return request;
  }

  static nlohmann::json Body(const ApiResponse& r) { return nlohmann::json::parse(r.body); }

  ParamMap AddParams(const std::string& stream) {
    auto p = Common("AddLiveAppRecordConfig");
    p.insert({{"DomainName", "example.com"},
              {"AppName", "live"},
              {"StreamName", stream},
              {"OssEndpoint", "local"},
              {"OssBucket", "records"},
              {"RecordFormat.1.Format", "m3u8"}});
    return p;
  }

  FakeClock clock_{kNow};
  OsRandom random_;
  int nonce_ = 0;
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::unique_ptr<metadata::TenantRepository> tenants_;
  std::unique_ptr<metadata::RecordConfigRepository> configs_;
  std::unique_ptr<ApiService> service_;
};

TEST_F(ApiServiceTest, V1GetAndPostAndV3AllSucceed) {
  for (const char* method : {"GET", "POST"}) {
    auto p = Common("DescribeLiveRecordConfig");
    p["DomainName"] = "example.com";
    auto r = service_->Handle(V1(method, p));
    EXPECT_EQ(r.status, 200) << method << " " << r.body;
    EXPECT_EQ(Body(r)["TotalNum"], 0);
  }
  auto r = service_->Handle(V3("DescribeLiveRecordConfig", {{"DomainName", "example.com"}}));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["PageSize"], 10);
}

TEST_F(ApiServiceTest, WrongSecretIsSignatureDoesNotMatchWithTheStringToSign) {
  auto p = Common("DescribeLiveRecordConfig");
  auto r = service_->Handle(V1("GET", p, "wrong"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["Code"], "SignatureDoesNotMatch");
  EXPECT_NE(Body(r)["Message"].get<std::string>().find("server string to sign is:GET&%2F&"),
            std::string::npos);
  r = service_->Handle(V3("DescribeLiveRecordConfig", {}, "wrong"));
  EXPECT_EQ(Body(r)["Code"], "SignatureDoesNotMatch");
}

TEST_F(ApiServiceTest, UnknownAndDisabledKeys) {
  auto r = service_->Handle(V1("GET", Common("DescribeLiveRecordConfig", "NoSuchKey0001")));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Body(r)["Code"], "InvalidAccessKeyId.NotFound");
  r = service_->Handle(
      V1("GET", Common("DescribeLiveRecordConfig", "OffKeyId0000001"), "offsecret0000000001"));
  EXPECT_EQ(Body(r)["Code"], "InvalidAccessKeyId.Inactive");
}

TEST_F(ApiServiceTest, StaleTimestampIsIllegalTimestamp) {
  auto p = Common("DescribeLiveRecordConfig");
  p["Timestamp"] = FormatIsoUtc(kNow - 16 * 60'000);
  auto r = service_->Handle(V1("GET", p));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["Code"], "IllegalTimestamp");
  p["Timestamp"] = "yesterday";
  EXPECT_EQ(Body(service_->Handle(V1("GET", p)))["Code"], "IllegalTimestamp");
}

TEST_F(ApiServiceTest, ReusedNonceIsRefusedButABadSignatureDoesNotBurnIt) {
  auto p = Common("DescribeLiveRecordConfig");
  p["DomainName"] = "example.com";
  EXPECT_EQ(Body(service_->Handle(V1("GET", p, "wrong")))["Code"], "SignatureDoesNotMatch");
  EXPECT_EQ(service_->Handle(V1("GET", p)).status, 200);
  auto r = service_->Handle(V1("GET", p));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["Code"], "SignatureNonceUsed");
}

TEST_F(ApiServiceTest, V3BodyHashAndUnsignedHeadersAreChecked) {
  ApiRequest r = V3("DescribeLiveRecordConfig", {{"DomainName", "example.com"}});
  r.body = "tampered";
  EXPECT_EQ(Body(service_->Handle(r))["Code"], "SignatureDoesNotMatch");
  r = V3("DescribeLiveRecordConfig", {{"DomainName", "example.com"}});
  r.headers["x-acs-extra"] = "unsigned";
  EXPECT_EQ(Body(service_->Handle(r))["Code"], "IncompleteSignature");
}

TEST_F(ApiServiceTest, GatewayErrors) {
  ApiRequest put = V1("GET", Common("DescribeLiveRecordConfig"));
  put.method = "PUT";
  EXPECT_EQ(service_->Handle(put).status, 403);
  auto r = service_->Handle(V1("GET", Common("NoSuchAction")));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Body(r)["Code"], "InvalidAction.NotFound");
  auto p = Common("DescribeLiveRecordConfig");
  p["Version"] = "2099-01-01";
  EXPECT_EQ(Body(service_->Handle(V1("GET", p)))["Code"], "InvalidParameter");
  ApiRequest unsigned_request{"GET", "/?Action=DescribeLiveRecordConfig", {}, ""};
  EXPECT_EQ(Body(service_->Handle(unsigned_request))["Code"], "MissingParameter");
}

TEST_F(ApiServiceTest, ErrorBodyHasEveryField) {
  auto r = service_->Handle(V1("GET", Common("DescribeLiveRecordConfig")));
  auto body = Body(r);
  EXPECT_EQ(body["Code"], "MissingDomainName");
  for (const char* field : {"RequestId", "HostId", "Code", "Message", "Recommend"}) {
    EXPECT_TRUE(body.contains(field)) << field;
  }
  EXPECT_EQ(body["HostId"], "127.0.0.1:8080");
  EXPECT_EQ(body["Recommend"], "/docs/errors#MissingDomainName");
}

TEST_F(ApiServiceTest, RecommendPointsIntoTheConfiguredErrorCatalogue) {
  ApiOptions options;
  options.error_docs_url = "https://docs.example.com/liverec/errors";
  ApiService service(ApiDependencies{clock_, random_, *tenants_, *configs_, {}}, options);
  auto body = Body(service.Handle(V1("GET", Common("NoSuchAction"))));
  EXPECT_EQ(body["Recommend"], "https://docs.example.com/liverec/errors#InvalidAction.NotFound");
}

TEST_F(ApiServiceTest, FormatXmlAnswersXml) {
  auto p = Common("DescribeLiveRecordConfig");
  p["DomainName"] = "example.com";
  p["Format"] = "xml";
  auto r = service_->Handle(V1("GET", p));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.content_type.find("xml"), std::string::npos);
  EXPECT_NE(r.body.find("<DescribeLiveRecordConfigResponse>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<LiveAppRecordList></LiveAppRecordList>"), std::string::npos) << r.body;
}

TEST_F(ApiServiceTest, AccountsSeeOnlyTheirDomainsBucketsAndConfigs) {
  ASSERT_EQ(service_->Handle(V1("POST", AddParams("s1"))).status, 200);
  auto p = AddParams("s2");
  p["DomainName"] = "b.example.com";
  EXPECT_EQ(Body(service_->Handle(V1("POST", p)))["Code"], "InvalidDomain.NotFound");
  p = AddParams("s3");
  p["OssBucket"] = "records-b";
  EXPECT_EQ(Body(service_->Handle(V1("POST", p)))["Code"], "InvalidBucket.NotFound");
  p = AddParams("s4");
  p["OssBucket"] = "nope-bucket";
  EXPECT_EQ(Body(service_->Handle(V1("POST", p)))["Code"], "InvalidOssBucket.NotFound");

  auto other = Common("DeleteLiveAppRecordConfig", "BKeyId000000001");
  other.insert({{"DomainName", "example.com"}, {"AppName", "live"}, {"StreamName", "s1"}});
  // tenant b has declared domains, so example.com is not its domain
  EXPECT_EQ(Body(service_->Handle(V1("GET", other, "bsecret000000000001")))["Code"],
            "InvalidDomain.NotFound");
  auto mine = Common("DeleteLiveAppRecordConfig");
  mine.insert({{"DomainName", "example.com"}, {"AppName", "live"}, {"StreamName", "s1"}});
  EXPECT_EQ(service_->Handle(V1("GET", mine)).status, 200);
}

TEST_F(ApiServiceTest, FormBodyPlusIsASpaceAndEncodedPlusIsAPlus) {
  auto p = AddParams("s1");
  p["RecordFormat.1.OssObjectPrefix"] = "a+b c*~直播/{StartTime}_{EndTime}";
  ApiRequest request = V1("POST", p);
  ASSERT_EQ(service_->Handle(request).status, 200) << service_->Handle(request).body;
  auto d = Common("DescribeLiveRecordConfig");
  d["DomainName"] = "example.com";
  auto body = Body(service_->Handle(V1("GET", d)));
  EXPECT_EQ(body["LiveAppRecordList"]["LiveAppRecord"][0]["RecordFormatList"]["RecordFormat"][0]
                ["OssObjectPrefix"],
            "a+b c*~直播/{StartTime}_{EndTime}");

  // A raw '+' in a form body means a space, both for the value and for the signature.
  auto q = AddParams("s2");
  q["RecordFormat.1.OssObjectPrefix"] = "x y/{StartTime}_{EndTime}";
  ApiRequest raw = V1("POST", q);
  auto pos = raw.body.find("x%20y");
  ASSERT_NE(pos, std::string::npos);
  raw.body.replace(pos, 5, "x+y");
  EXPECT_EQ(service_->Handle(raw).status, 200);
}

}  // namespace
}  // namespace liverec::api

namespace liverec::api {
namespace {

TEST_F(ApiServiceTest, ResponsesAreCountedByActionAndCodeWithBoundedLabels) {
  metrics::MetricRegistry registry;
  ApiMetrics metrics(registry);
  service_ = std::make_unique<ApiService>(
      ApiDependencies{clock_, random_, *tenants_, *configs_, {}}, ApiOptions{}, &metrics);
  auto ok = Common("DescribeLiveRecordConfig");
  ok["DomainName"] = "example.com";
  EXPECT_EQ(service_->Handle(V1("GET", ok)).status, 200);
  EXPECT_EQ(service_->Handle(V1("GET", Common("DescribeLiveRecordConfig"))).status, 400);
  EXPECT_EQ(service_->Handle(V1("GET", Common("NoSuch\"Action\n"))).status, 404);
  auto bad_secret = Common("DescribeLiveRecordConfig");
  bad_secret["DomainName"] = "example.com";
  EXPECT_EQ(service_->Handle(V1("GET", bad_secret, "wrongsecret0000000000000000001")).status, 400);

  std::string text = registry.Render();
  auto has = [&](const std::string& line) { return text.find(line + "\n") != std::string::npos; };
  EXPECT_TRUE(has("liverec_api_requests_total{action=\"DescribeLiveRecordConfig\",code=\"OK\"} 1"))
      << text;
  EXPECT_TRUE(
      has("liverec_api_requests_total{action=\"DescribeLiveRecordConfig\","
          "code=\"MissingDomainName\"} 1"))
      << text;
  EXPECT_TRUE(
      has("liverec_api_requests_total{action=\"DescribeLiveRecordConfig\","
          "code=\"SignatureDoesNotMatch\"} 1"))
      << text;
  EXPECT_TRUE(
      has("liverec_api_requests_total{action=\"unknown\",code=\"InvalidAction.NotFound\"} 1"))
      << text;
  EXPECT_EQ(text.find("NoSuch"), std::string::npos) << "request text must not become a label";
  EXPECT_TRUE(
      has("liverec_api_request_duration_seconds_count{action=\"DescribeLiveRecordConfig\"} 3"))
      << text;
}

TEST(ApiMetricsTest, CodeLabelKeepsParameterNamesButNotArbitraryArguments) {
  EXPECT_EQ(ApiMetrics::CodeLabel(Status::Ok()), "OK");
  EXPECT_EQ(ApiMetrics::CodeLabel(Status(ErrorCode::kMissingArgument, "DomainName")),
            "MissingDomainName");
  EXPECT_EQ(ApiMetrics::CodeLabel(Status(ErrorCode::kMissingArgument, "a\"b c")), "Missing");
  EXPECT_EQ(ApiMetrics::CodeLabel(Status(ErrorCode::kInvalidParameter, "Version")),
            "InvalidParameter");
  EXPECT_EQ(ApiMetrics::ActionLabel("AddLiveAppRecordConfig"), "AddLiveAppRecordConfig");
  EXPECT_EQ(ApiMetrics::ActionLabel("addliveapprecordconfig"), "unknown");
  EXPECT_EQ(ApiMetrics::ActionLabel(""), "unknown");
}

}  // namespace
}  // namespace liverec::api
