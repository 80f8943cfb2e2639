// SigV4 as liverec sends it, checked against AWS's published Signature Version 4 test suite
// ("aws-sig-v4-test-suite": credentials AKIDEXAMPLE, region us-east-1, service "service",
// 20150830T123600Z). The signing is libcurl's (CURLOPT_AWS_SIGV4): each request goes through
// CurlSigV4Client to a server on 127.0.0.1 (curl CONNECT_TO maps example.amazonaws.com there,
// so the Host header is the vector's) and the Authorization header it received must be the
// vector's. libcurl 7.88 takes the date from an X-Amz-Date header we set (it then sends the
// header twice; liverec itself never sets it and lets libcurl use the clock). Paths and queries
// come from liverec's own S3UrlBuilder helpers, which must write them canonical because libcurl
// signs them as written.
#include <gtest/gtest.h>

#include "storage/s3/curl_sigv4_client.h"
#include "storage/s3/s3_url.h"
#include "storage/s3/sigv4_verifier_test_fixture.h"
#include "storage/s3/test_http_server_test_fixture.h"

namespace liverec::storage {
namespace {

using testing::TestHttpRequest;
using testing::TestHttpServer;

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kAuthPrefix[] =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";
constexpr char kUnreserved[] = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

std::string Authz(const std::string& signed_headers, const std::string& signature) {
  return std::string(kAuthPrefix) + "SignedHeaders=" + signed_headers + ", Signature=" + signature;
}

class SigV4VectorTest : public ::testing::Test {
 protected:
  // Sends `call` (to http://example.amazonaws.com...) and returns what the server received.
  TestHttpRequest Send(HttpCall call) {
    call.headers.insert(call.headers.begin(), {"X-Amz-Date", "20150830T123600Z"});
    S3Options options;
    options.max_attempts = 1;
    ClientHooks hooks;
    hooks.connect_to = {"example.amazonaws.com:80:127.0.0.1:" + std::to_string(server_.Port())};
    CurlSigV4Client client(SigV4Signing{"aws:amz", "us-east-1", "service", "AKIDEXAMPLE", kSecret},
                           options, hooks);
    CallOutcome outcome = client.Send(call);
    EXPECT_FALSE(outcome.TransportFailed()) << outcome.curl_message;
    auto requests = server_.Requests();
    EXPECT_EQ(requests.size(), 1u);
    return requests.empty() ? TestHttpRequest{} : requests.back();
  }

  TestHttpServer server_{[](const TestHttpRequest&) { return testing::TestHttpResponse{200}; }};
};

TEST_F(SigV4VectorTest, GetVanilla) {
  auto received = Send({"GET", "http://example.amazonaws.com/", {}, {}});
  EXPECT_EQ(received.Header("host"), "example.amazonaws.com");
  EXPECT_EQ(
      received.Header("authorization"),
      Authz("host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
}

TEST_F(SigV4VectorTest, GetVanillaQueryOrderKeyCaseIsSignedBecauseTheQueryIsWrittenSorted) {
  // The vector's request is "/?Param2=value2&Param1=value1"; libcurl 7.88 would sign that order
  // as written (wrongly), so liverec writes queries sorted.
  std::string query = CanonicalQuery({{"Param2", "value2"}, {"Param1", "value1"}});
  EXPECT_EQ(query, "Param1=value1&Param2=value2");
  auto received = Send({"GET", "http://example.amazonaws.com/?" + query, {}, {}});
  EXPECT_EQ(
      received.Header("authorization"),
      Authz("host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"));
}

TEST_F(SigV4VectorTest, GetVanillaQueryUnreserved) {
  std::string query = CanonicalQuery({{kUnreserved, kUnreserved}});
  auto received = Send({"GET", "http://example.amazonaws.com/?" + query, {}, {}});
  EXPECT_EQ(
      received.Header("authorization"),
      Authz("host;x-amz-date", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"));
}

TEST_F(SigV4VectorTest, GetVanillaUtf8QueryIsEncodedAsSigV4Wants) {
  std::string query = CanonicalQuery({{"\xE1\x88\xB4", "bar"}});
  EXPECT_EQ(query, "%E1%88%B4=bar");
  auto received = Send({"GET", "http://example.amazonaws.com/?" + query, {}, {}});
  EXPECT_EQ(
      received.Header("authorization"),
      Authz("host;x-amz-date", "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"));
}

TEST_F(SigV4VectorTest, GetUtf8PathIsEncodedAsSigV4Wants) {
  std::string path = EncodeKeyPath("\xE1\x88\xB4");
  EXPECT_EQ(path, "%E1%88%B4");
  auto received = Send({"GET", "http://example.amazonaws.com/" + path, {}, {}});
  EXPECT_EQ(
      received.Header("authorization"),
      Authz("host;x-amz-date", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"));
}

TEST_F(SigV4VectorTest, GetUnreservedPathStaysAsItIs) {
  EXPECT_EQ(EncodeKeyPath(kUnreserved), kUnreserved);
  auto received = Send({"GET", std::string("http://example.amazonaws.com/") + kUnreserved, {}, {}});
  EXPECT_EQ(
      received.Header("authorization"),
      Authz("host;x-amz-date", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"));
}

TEST_F(SigV4VectorTest, GetSpaceInThePath) {
  std::string path = EncodeKeyPath("example space/");
  EXPECT_EQ(path, "example%20space/");
  auto received = Send({"GET", "http://example.amazonaws.com/" + path, {}, {}});
  EXPECT_EQ(
      received.Header("authorization"),
      Authz("host;x-amz-date", "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"));
}

TEST_F(SigV4VectorTest, PostXWwwFormUrlencodedSignsTheBodyHashAndContentType) {
  static const std::string kBody = "Param1=value1";
  HttpCall call{"POST",
                "http://example.amazonaws.com/",
                {{"Content-Type", "application/x-www-form-urlencoded"}},
                RequestBody{{reinterpret_cast<const uint8_t*>(kBody.data()), kBody.size()}}};
  auto received = Send(call);
  EXPECT_EQ(received.body, kBody);
  EXPECT_EQ(received.Header("authorization"),
            Authz("content-type;host;x-amz-date",
                  "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"));
}

// The verifier the fake S3 uses, against the same vectors: its canonical request and signature
// are AWS's.
TEST(SigV4VerifierTest, ComputesTheVectorsCanonicalRequestAndSignature) {
  TestHttpRequest request{"GET",
                          "/?Param2=value2&Param1=value1",
                          {{"host", "example.amazonaws.com"}, {"x-amz-date", "20150830T123600Z"}}};
  auto parts =
      testing::ComputeSigV4(request, {"host", "x-amz-date"},
                            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                            kSecret, "20150830", "us-east-1", "service");
  EXPECT_EQ(parts.canonical_request,
            "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\n"
            "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(parts.signature, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");

  request.headers["authorization"] =
      Authz("host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
  EXPECT_TRUE(testing::VerifySigV4(request, kSecret, "us-east-1", "service").ok);
  EXPECT_FALSE(testing::VerifySigV4(request, "another-secret", "us-east-1", "service").ok);
}

}  // namespace
}  // namespace liverec::storage
