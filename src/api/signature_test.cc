// Signature V1 and V3 against fixed vectors: requests captured from the SDKs and the examples
// of Alibaba's signature documentation (the algorithms: docs/api/README.md, Signatures).
#include <gtest/gtest.h>

#include "api/signature_v1.h"
#include "api/signature_v3.h"

namespace liverec::api {
namespace {

constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

ParamMap CaptureV1Params() {
  return {{"AccessKeyId", "testAccessKeyId"},
          {"Action", "DescribeLiveRecordConfig"},
          {"DomainName", "live.example.com"},
          {"AppName", "live"},
          {"Format", "JSON"},
          {"RegionId", "cn-shanghai"},
          {"SignatureMethod", "HMAC-SHA1"},
          {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
          {"SignatureVersion", "1.0"},
          {"Timestamp", "2026-01-01T00:00:00Z"},
          {"Version", "2016-11-01"}};
}

TEST(SignatureV1Test, MatchesTheSdkCaptureVectorForGetAndPost) {
  auto params = CaptureV1Params();
  EXPECT_EQ(V1Signature("testAccessKeySecret", V1StringToSign("GET", params)),
            "13IKg1Klw3KkFWI548qCRBqoNyQ=");
  EXPECT_EQ(V1Signature("testAccessKeySecret", V1StringToSign("POST", params)),
            "6KscibUvCysDeUES3WqtMjfg2Hc=");
}

TEST(SignatureV1Test, MatchesTheOfficialEcsVectorIncludingStringToSign) {
  ParamMap params{{"AccessKeyId", "testid"},
                  {"Action", "DescribeRegions"},
                  {"Format", "XML"},
                  {"SignatureMethod", "HMAC-SHA1"},
                  {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
                  {"SignatureVersion", "1.0"},
                  {"Timestamp", "2016-02-23T12:46:24Z"},
                  {"Version", "2014-05-26"}};
  std::string sts = V1StringToSign("GET", params);
  EXPECT_EQ(
      sts,
      "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26"
      "SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26"
      "SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26");
  EXPECT_EQ(V1Signature("testsecret", sts), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
}

TEST(SignatureV1Test, MatchesTheLiveFlavouredVector) {
  ParamMap params{
      {"AccessKeyId", "testid"},        {"Action", "DescribeLiveRecordConfig"},
      {"DomainName", "example.com"},    {"Format", "JSON"},
      {"SignatureMethod", "HMAC-SHA1"}, {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
      {"SignatureVersion", "1.0"},      {"Timestamp", "2024-01-01T12:00:00Z"},
      {"Version", "2016-11-01"}};
  EXPECT_EQ(V1Signature("testsecret", V1StringToSign("GET", params)),
            "TSnokNhPrr1mC3/QXNwEGgvx0yc=");
}

TEST(SignatureV1Test, EncodesSpaceStarTildeAndNonAsciiValuesTheRfc3986Way) {
  ParamMap params{{"A", "x y*~直+"}};
  EXPECT_EQ(V1StringToSign("GET", params), "GET&%2F&A%3Dx%2520y%252A~%25E7%259B%25B4%252B");
}

TEST(SignatureV3Test, ParsesTheAuthorizationHeader) {
  auto auth = ParseV3Authorization(
      "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host;X-Acs-Date,Signature=abc");
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->access_key_id, "AK");
  EXPECT_EQ(auth->signed_headers, (std::vector<std::string>{"host", "x-acs-date"}));
  EXPECT_EQ(auth->signature, "abc");
}

TEST(SignatureV3Test, RefusesAuthorizationHeadersOfOtherShapes) {
  EXPECT_FALSE(ParseV3Authorization("Bearer x").has_value());
  EXPECT_FALSE(ParseV3Authorization("ACS3-HMAC-SHA256").has_value());
  EXPECT_FALSE(ParseV3Authorization("ACS3-HMAC-SHA256 Credential=AK,Signature=x").has_value());
  auto missing = ParseV3Authorization("ACS3-HMAC-SHA256 SignedHeaders=host,Signature=x");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().PublicCode(), "IncompleteSignature");
}

std::string SignV3(std::string_view secret, const ParamMap& query,
                   const std::map<std::string, std::string>& headers) {
  std::vector<std::string> names;
  for (const auto& [name, value] : headers) names.push_back(name);
  auto canonical = V3CanonicalRequest("POST", "/", query, headers, names, kEmptySha256);
  return V3Signature(secret, V3StringToSign(canonical));
}

TEST(SignatureV3Test, MatchesTheSdkCaptureVector) {
  ParamMap query{
      {"RegionId", "cn-shanghai"}, {"DomainName", "live.example.com"}, {"AppName", "live"}};
  std::map<std::string, std::string> headers{
      {"host", "live.aliyuncs.com"},
      {"x-acs-action", "DescribeLiveRecordConfig"},
      {"x-acs-version", "2016-11-01"},
      {"x-acs-date", "2026-01-01T00:00:00Z"},
      {"x-acs-signature-nonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
      {"x-acs-content-sha256", kEmptySha256}};
  EXPECT_EQ(SignV3("testAccessKeySecret", query, headers),
            "c06a77526332d01a1c7a2f7686b62afb96d4f549ba6b1d14333983774214b29f");
}

TEST(SignatureV3Test, MatchesTheOfficialDocVector) {
  ParamMap query{{"ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"},
                 {"RegionId", "cn-shanghai"}};
  std::map<std::string, std::string> headers{
      {"host", "ecs.cn-shanghai.aliyuncs.com"},
      {"x-acs-action", "RunInstances"},
      {"x-acs-version", "2014-05-26"},
      {"x-acs-date", "2023-10-26T09:01:01Z"},
      {"x-acs-signature-nonce", "d410180a5abf7fe235dd9b74aca91fc0"},
      {"x-acs-content-sha256", kEmptySha256}};
  EXPECT_EQ(SignV3("YourAccessKeySecret", query, headers),
            "e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804");
}

TEST(SignatureV3Test, MatchesTheLiveFlavouredVector) {
  ParamMap query{{"AppName", "live"},
                 {"Command", "start"},
                 {"DomainName", "example.com"},
                 {"StreamName", "s1"}};
  std::map<std::string, std::string> headers{
      {"host", "127.0.0.1:8080"},
      {"x-acs-action", "RealTimeRecordCommand"},
      {"x-acs-version", "2016-11-01"},
      {"x-acs-date", "2024-01-01T12:00:00Z"},
      {"x-acs-signature-nonce", "d410180a5abf7fe235dd9b74aca91fc0"},
      {"x-acs-content-sha256", kEmptySha256}};
  EXPECT_EQ(SignV3("testsecret", query, headers),
            "3894e41b949e195db9185f2e312bbc475831e69774b869bae4eae53468731176");
}

TEST(SignatureV3Test, CanonicalRequestTrimsHeaderValuesAndEncodesQueryValues) {
  ParamMap query{{"b", "x y"}, {"a", "*~"}};
  std::map<std::string, std::string> headers{{"host", "  h  "}, {"x-acs-date", "d"}};
  EXPECT_EQ(V3CanonicalRequest("POST", "/", query, headers, {"x-acs-date", "host"}, "PH"),
            "POST\n/\na=%2A~&b=x%20y\nhost:h\nx-acs-date:d\n\nhost;x-acs-date\nPH");
}

}  // namespace
}  // namespace liverec::api
