// How S3 replies and transport failures become retries and Status values (docs/errors.md).
//
// Retried (the same request may succeed in a moment): transport errors and timeouts, HTTP 5xx
// except 501, 429, 408, and the S3 codes RequestTimeout, SlowDown, OperationAborted and
// ConditionalRequestConflict. Once attempts run out these are StorageFailure (transient).
// Not retried: every other answer. 403 signature/credential codes are StorageAuthFailed, 403
// AccessDenied is StorageAccessDenied, 404 NoSuchBucket is StorageBucketNotFound, 404 NoSuchKey
// (or a bodiless 404 to HEAD) is NoSuchKey, 412 is ObjectAlreadyExists, anything else is
// StorageRequestRejected. Every detail names the request, status, S3 Code/Message/RequestId
// and the attempts made.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "storage/s3/s3_options.h"

namespace liverec::storage {

// Whether an HTTP answer with this status and S3 error code deserves another attempt.
bool IsRetryableReply(long http_status, std::string_view s3_code);

// Whether a libcurl result code (CURLcode) is a transient transport failure.
bool IsRetryableTransport(int curl_code);

// The Status of a non-2xx reply to `what` ("PUT record/a.ts"); `body` is the reply body (an S3
// <Error> document, or empty for HEAD).
Status ReplyStatus(std::string_view what, long http_status, std::string_view body, int attempts);

// The Status of a transport failure (retryable ones become StorageFailure, certificate and URL
// problems StorageRequestRejected).
Status TransportStatus(std::string_view what, int curl_code, std::string_view message,
                       int attempts);

// Milliseconds to wait before retry number `retry` (1 = before the second attempt):
// initial * 2^(retry-1), at most max, then a random point in its upper half (`random` is any
// 64-bit random number).
int64_t BackoffMs(const S3Options& options, int retry, uint64_t random);

}  // namespace liverec::storage
