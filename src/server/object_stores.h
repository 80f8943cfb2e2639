// The object store of each configured bucket: LocalObjectStore for backend "local",
// S3ObjectStore for backend "s3" (config::BucketConfig, docs/configuration.md). The server's
// composition root is the only place naming these concrete backends.
// Thread-safety: plain functions; the stores they make are safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "storage/object_store.h"

namespace liverec::server {

struct BucketStore {
  std::unique_ptr<storage::ObjectStore> store;
  // Base of RecordUrls for buckets liverec does not serve itself (S3): the configured
  // public_url, or the bucket's URL at the service. "" for local buckets.
  std::string public_base;
  // S3: a presigned GET URL of a key at the service for (now_s, lifetime_s); null otherwise.
  std::function<std::string(std::string_view key, int64_t now_s, int64_t lifetime_s)> presign;
  // S3: reads a small object (playlists liverec serves for private S3 buckets); null otherwise.
  std::function<Result<std::vector<uint8_t>>(const std::string& key)> read;
};

// InvalidConfiguration when the bucket cannot be reached as configured (a malformed endpoint).
Result<BucketStore> MakeBucketStore(const config::BucketConfig& bucket);

}  // namespace liverec::server
