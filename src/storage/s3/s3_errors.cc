#include "storage/s3/s3_errors.h"

#include <algorithm>
#include <array>

#include <curl/curl.h>
#include <fmt/format.h>

#include "storage/s3/s3_xml.h"

namespace liverec::storage {
namespace {

// 403/400 codes that mean the request's credentials, signature, region or clock are wrong.
constexpr std::array<std::string_view, 9> kAuthCodes{
    "SignatureDoesNotMatch", "InvalidAccessKeyId",    "AuthorizationHeaderMalformed",
    "RequestTimeTooSkewed",  "InvalidToken",          "ExpiredToken",
    "TokenRefreshRequired",  "MissingSecurityHeader", "InvalidSecurity"};

bool IsAuthCode(std::string_view code) {
  return std::find(kAuthCodes.begin(), kAuthCodes.end(), code) != kAuthCodes.end();
}

std::string Attempts(int attempts) {
  return attempts == 1 ? "1 attempt" : fmt::format("{} attempts", attempts);
}

}  // namespace

bool IsRetryableReply(long http_status, std::string_view s3_code) {
  if (s3_code == "RequestTimeout" || s3_code == "SlowDown" || s3_code == "OperationAborted" ||
      s3_code == "ConditionalRequestConflict" || s3_code == "InternalError") {
    return true;
  }
  if (http_status == 501) return false;  // NotImplemented does not change by asking again
  return http_status >= 500 || http_status == 429 || http_status == 408;
}

bool IsRetryableTransport(int curl_code) {
  switch (static_cast<CURLcode>(curl_code)) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
      return true;
    default:
      return false;
  }
}

Status ReplyStatus(std::string_view what, long http_status, std::string_view body, int attempts) {
  S3ErrorBody error = ParseS3Error(body).value_or(S3ErrorBody{});
  std::string detail = fmt::format("{}: HTTP {}", what, http_status);
  if (!error.code.empty()) detail += " " + error.code;
  if (!error.message.empty()) detail += ": " + error.message;
  if (!error.request_id.empty()) detail += " (RequestId " + error.request_id + ")";
  if (error.code.empty() && body.empty()) detail += " (no error body)";
  detail += ", " + Attempts(attempts);

  ErrorCode code = ErrorCode::kStorageRequestRejected;
  if (IsRetryableReply(http_status, error.code)) {
    code = ErrorCode::kStorageFailure;
  } else if (IsAuthCode(error.code)) {
    code = ErrorCode::kStorageAuthFailed;
  } else if (http_status == 403) {
    code = ErrorCode::kStorageAccessDenied;  // AccessDenied, or a bodiless 403 to HEAD
  } else if (error.code == "NoSuchBucket") {
    code = ErrorCode::kStorageBucketNotFound;
  } else if (http_status == 404 && (error.code.empty() || error.code == "NoSuchKey")) {
    code = ErrorCode::kObjectNotFound;
  } else if (http_status == 412) {
    code = ErrorCode::kObjectAlreadyExists;
  } else if (http_status == 301 || http_status == 307) {
    detail += " (the bucket is served by another endpoint or region)";
  }
  return Status(code, "", std::move(detail));
}

Status TransportStatus(std::string_view what, int curl_code, std::string_view message,
                       int attempts) {
  std::string detail =
      fmt::format("{}: {} (curl {}), {}", what, message, curl_code, Attempts(attempts));
  if (IsRetryableTransport(curl_code)) return Status(ErrorCode::kStorageFailure, "", detail);
  return Status(ErrorCode::kStorageRequestRejected, "", detail);
}

int64_t BackoffMs(const S3Options& options, int retry, uint64_t random) {
  int64_t backoff = std::max<int64_t>(options.initial_backoff_ms, 1);
  for (int i = 1; i < retry && backoff < options.max_backoff_ms; ++i) backoff *= 2;
  backoff = std::min(backoff, std::max<int64_t>(options.max_backoff_ms, 1));
  int64_t half = backoff / 2;
  return half + static_cast<int64_t>(random % static_cast<uint64_t>(backoff - half + 1));
}

}  // namespace liverec::storage
