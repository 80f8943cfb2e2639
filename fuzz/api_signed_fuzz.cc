// Signed API requests with hostile parameters and headers, the way the Alibaba SDKs send them:
// signature V1 (HMAC-SHA1, GET query or POST form body) or V3 (ACS3-HMAC-SHA256, a header
// and the query), signed with a real key, then answered by the server's ApiService: parameter
// decoding, signature canonicalisation and verification, the time stamp window, nonces, and
// every action with its parameter rules against the in-memory database (ApiFixture).
// Input: structured by FuzzedDataProvider: the signature style, the action (mostly a real one),
// then parameter names (mostly real ones) and values (any bytes), and a header value for V3.
// Properties: no crash, leak or undefined behaviour; a request signed as the SDKs sign it is
// never refused for its signature, time stamp or nonce, whatever its parameters hold; never an
// InternalError; every answer is a JSON object, an error with its Code, a success with its
// RequestId.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>
#include <nlohmann/json.hpp>

#include "api/signature_v1.h"
#include "api/signature_v3.h"
#include "base/crypto.h"
#include "base/percent_encoding.h"
#include "base/time_format.h"
#include "fuzz/api_fixture.h"
#include "fuzz/fuzz_support.h"

using namespace liverec;
using api::ParamMap;

namespace {

fuzz::ApiFixture* fixture = nullptr;
int64_t nonce = 0;

constexpr const char* kActions[] = {
    "AddLiveAppRecordConfig",
    "UpdateLiveAppRecordConfig",
    "DeleteLiveAppRecordConfig",
    "DescribeLiveRecordConfig",
    "AddLiveRecordNotifyConfig",
    "UpdateLiveRecordNotifyConfig",
    "DeleteLiveRecordNotifyConfig",
    "DescribeLiveRecordNotifyConfig",
    "DescribeLiveRecordNotifyRecords",
    "DescribeLiveStreamRecordContent",
    "CreateLiveStreamRecordIndexFiles",
    "DescribeLiveStreamRecordIndexFile",
    "DescribeLiveStreamRecordIndexFiles",
    "DeleteLiveStreamRecordIndexFiles",
    "RealTimeRecordCommand",
    "SetLiveStreamsNotifyUrlConfig",
    "DescribeLiveStreamsNotifyUrlConfig",
    "DeleteLiveStreamsNotifyUrlConfig",
    "DescribeLiveStreamsOnlineList",
    "CreateLivePullToPush",
    "UpdateLivePullToPush",
    "DescribeLivePullToPush",
    "DescribeLivePullToPushList",
    "StopLivePullToPush",
    "RestartLivePullToPush",
    "DeleteLivePullToPush",
    "ForbidLiveStream",
    "ResumeLiveStream",
    "DescribeLiveStreamsBlockList",
    "DescribeLiveStreamsPublishList",
    "DescribeLiveDomainRecordUsageData",
    "AddLiveAppSnapshotConfig",
    "UpdateLiveAppSnapshotConfig",
    "DeleteLiveAppSnapshotConfig",
    "DescribeLiveSnapshotConfig",
    "DescribeLiveStreamSnapshotInfo",
    "DescribeLiveUserDomains",
    "DescribeLiveStreamWatchUrl",
    "DescribeLiveStreamRecordFiles",
    "DescribeLiveClusterNodes",
};

constexpr const char* kParams[] = {
    "DomainName",
    "AppName",
    "StreamName",
    "OssEndpoint",
    "OssBucket",
    "OssObjectPrefix",
    "OssObject",
    "RecordFormat.1.Format",
    "RecordFormat.1.OssObjectPrefix",
    "RecordFormat.1.SliceOssObjectPrefix",
    "RecordFormat.1.CycleDuration",
    "RecordFormat.1.SliceDuration",
    "RecordFormat.2.Format",
    "RecordFormat.2.CycleDuration",
    "TranscodeTemplates.1",
    "TranscodeRecordFormat.1.Format",
    "DelayTime",
    "OnDemand",
    "OnDemandUrl",
    "NotifyUrl",
    "NeedStatusNotify",
    "NotifyAuthKey",
    "NotifyReqAuth",
    "NotifyType",
    "SwitchNotifyUrl",
    "ExceptionNotifyUrl",
    "StartTime",
    "EndTime",
    "ExpireSeconds",
    "FileFormat",
    "RecordId",
    "PageNum",
    "PageNumber",
    "PageSize",
    "Order",
    "Command",
    "RemoveFile",
    "QueryType",
    "StreamType",
    "PublishType",
    "Region",
    "RegionId",
    "SourceType",
    "SourceProtocol",
    "SourceUrls",
    "SourceUrls.1",
    "SourceUrls.2",
    "DstUrl",
    "TaskId",
    "TaskName",
    "RetryCount",
    "RetryInterval",
    "RepeatNumber",
    "CallbackUrl",
    "Offset",
    "FileIndex",
    "Status",
    "Strict",
    "OnlyStream",
    "EndTimeIncluded",
    "LiveStreamType",
    "ResumeTime",
    "Oneshot",
    "ControlStreamAction",
    "OrderBy",
    "Interval",
    "RecordType",
    "SplitBy",
    "TimeInterval",
    "OverwriteOssObject",
    "SequenceOssObject",
    "Callback",
    "Limit",
    "StartTimeStamp",
    "AuthKey",
    "ReqAuth",
    "NotifyItemSwitch",
    "LiveDomainType",
    "DomainSearchType",
    "DomainStatus",
};

// Parameters the signing itself sets; fuzzed ones of these names are left out.
const std::set<std::string> kProtocolParams = {
    "Action",          "Version",          "Format",         "AccessKeyId", "Signature",
    "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp",
};

std::string Encode(const ParamMap& params) {
  std::string out;
  for (const auto& [k, v] : params)
    out += (out.empty() ? "" : "&") + PopEncode(k) + "=" + PopEncode(v);
  return out;
}

// What can travel in an HTTP header value: no CR, LF or NUL.
std::string HeaderValue(std::string value) {
  std::erase_if(value, [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
  return value;
}

api::ApiRequest SignV1(const std::string& method, ParamMap params) {
  params["SignatureMethod"] = "HMAC-SHA1";
  params["SignatureVersion"] = "1.0";
  params["Signature"] = api::V1Signature(fuzz::kApiSecret, api::V1StringToSign(method, params));
  api::ApiRequest request;
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

api::ApiRequest SignV3(const std::string& action, const ParamMap& query, const std::string& extra) {
  api::ApiRequest request;
  request.method = "POST";
  request.target = "/?" + Encode(query);
  std::string body_hash = HexEncode(Sha256(""));
  request.headers = {{"host", "127.0.0.1:8080"},
                     {"x-acs-action", HeaderValue(action)},
                     {"x-acs-version", "2016-11-01"},
                     {"x-acs-date", FormatIsoUtc(fixture->clock().NowMs())},
                     {"x-acs-signature-nonce", "n3-" + std::to_string(++nonce)},
                     {"x-acs-content-sha256", body_hash},
                     {"x-acs-fuzz", HeaderValue(extra)}};
  std::vector<std::string> names;
  std::string joined;
  for (const auto& [name, value] : request.headers) {
    names.push_back(name);
    joined += (joined.empty() ? "" : ";") + name;
  }
  auto canonical = api::V3CanonicalRequest("POST", "/", query, request.headers, names, body_hash);
  request.headers["authorization"] =
      std::string("ACS3-HMAC-SHA256 Credential=") + fuzz::kApiKeyId + ",SignedHeaders=" + joined +
      ",Signature=" + api::V3Signature(fuzz::kApiSecret, api::V3StringToSign(canonical));
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietLogs();
  fixture = new fuzz::ApiFixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fixture->Tick();
  fixture->clock().AdvanceMs(1000);  // nonces age out of the window as they would
  FuzzedDataProvider in(data, size);
  int style = in.ConsumeIntegralInRange(0, 2);  // V1 GET, V1 POST, V3
  std::string action = in.ConsumeIntegralInRange(0, 15) == 0 ? in.ConsumeRandomLengthString(40)
                                                             : in.PickValueInArray(kActions);
  ParamMap params;
  int count = in.ConsumeIntegralInRange(0, 12);
  for (int i = 0; i < count && in.remaining_bytes() > 0; ++i) {
    std::string name = in.ConsumeIntegralInRange(0, 7) == 0 ? in.ConsumeRandomLengthString(30)
                                                            : in.PickValueInArray(kParams);
    std::string value = in.ConsumeRandomLengthString(300);
    if (!kProtocolParams.contains(name)) params[name] = value;
  }
  std::string extra = in.ConsumeRemainingBytesAsString();

  api::ApiRequest request;
  if (style == 2) {
    request = SignV3(action, params, extra);
  } else {
    params["Action"] = action;
    params["Version"] = "2016-11-01";
    params["Format"] = "JSON";
    params["AccessKeyId"] = fuzz::kApiKeyId;
    params["SignatureNonce"] = "n1-" + std::to_string(++nonce);
    params["Timestamp"] = FormatIsoUtc(fixture->clock().NowMs());
    request = SignV1(style == 0 ? "GET" : "POST", params);
  }
  api::ApiResponse response = fixture->api().Handle(request);
  auto body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(body.is_object());
  if (response.status == 200) {
    FUZZ_CHECK(body.contains("RequestId"));
    return 0;
  }
  FUZZ_CHECK(body.contains("Code") && body["Code"].is_string());
  std::string code = body["Code"];
  // The in-memory database does not fail, so an internal error is an action failing on its
  // input (an exception caught by ApiService, a row it wrote and cannot read back).
  if (code == "InternalError") {
    std::fprintf(stderr, "internal error for action %s\n", action.c_str());
    FUZZ_CHECK(false);
  }
  if (code == "SignatureDoesNotMatch" || code == "IncompleteSignature" ||
      code == "SignatureNonceUsed" || code == "IllegalTimestamp") {
    std::fprintf(stderr, "refused a request signed as the SDKs sign it: %s\n",
                 response.body.c_str());
    FUZZ_CHECK(false);
  }
  return 0;
}
