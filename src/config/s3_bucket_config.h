// S3BucketConfig: the keys of a `[[buckets]]` table with backend = "s3" (docs/configuration.md,
// "S3 buckets"). A plain value, read and validated by LoadConfig (bucket_keys.h).
#pragma once

#include <cstdint>
#include <string>

namespace liverec::config {

struct S3BucketConfig {
  std::string url;  // the service endpoint: http(s)://host[:port]
  std::string region = "us-east-1";
  // Credentials: given in the file, or named environment variables that hold them (the *_env
  // keys), so secrets need not be in the file. LoadConfig puts the values in the first two.
  std::string access_key_id;
  std::string secret_access_key;
  std::string access_key_id_env;
  std::string secret_access_key_env;
  bool path_style = true;     // false: virtual-hosted (http://bucket.host/key)
  std::string remote_bucket;  // the bucket's name at the service; default: the bucket's name
  // Base of RecordUrl for this bucket's objects: <public_url>/<key>. Default: the bucket's URL
  // at the service (url/remote_bucket, or scheme://remote_bucket.host when virtual-hosted).
  std::string public_url;
  int64_t part_size_mb = 64;    // files larger than this go up as multipart uploads (5-5120)
  int64_t timeout_ms = 30'000;  // per request, plus 1 s per MiB of body (1000-600000)
};

}  // namespace liverec::config
