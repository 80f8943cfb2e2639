// S3Options: how an S3ObjectStore reaches its bucket (docs/configuration.md, "S3 buckets").
// A plain value; the config layer fills it from a `[[buckets]] backend = "s3"` table.
#pragma once

#include <cstdint>
#include <string>

namespace liverec::storage {

struct S3Options {
  // The service endpoint: "http(s)://host[:port]", no path (e.g. "http://127.0.0.1:9000",
  // "https://s3.eu-west-1.amazonaws.com").
  std::string endpoint_url;
  std::string region = "us-east-1";
  std::string access_key_id;
  std::string secret_access_key;
  std::string bucket;  // the bucket's name at the S3 service
  // true: http://host/bucket/key; false (virtual-hosted): http://bucket.host/key.
  bool path_style = true;
  // Files larger than this are uploaded in parts of this size (multipart upload); S3 allows
  // 5 MiB to 5 GiB per part. More than 10,000 parts would be needed: the part size grows.
  uint64_t part_size_bytes = uint64_t{64} * 1024 * 1024;
  // Each request: the whole of a request without a body (and connecting) must finish within
  // this; a request with a body gets this plus 1 s per MiB of body.
  int64_t timeout_ms = 30'000;
  // Attempts per request: retried on transport errors, timeouts, HTTP 5xx and 429, after
  // initial_backoff_ms, doubling each time (with jitter), at most max_backoff_ms.
  int max_attempts = 4;
  int64_t initial_backoff_ms = 200;
  int64_t max_backoff_ms = 5'000;
  // Easy handles kept open between requests (connection reuse); more are made when busy.
  int max_idle_handles = 8;
};

}  // namespace liverec::storage
