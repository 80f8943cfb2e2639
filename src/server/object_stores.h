// The object store of each configured bucket: LocalObjectStore for backend "local",
// S3ObjectStore for backend "s3" (config::BucketConfig, docs/configuration.md). The server's
// composition root is the only place naming these concrete backends.
// Thread-safety: plain functions; the stores they make are safe from any thread.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "config/config.h"
#include "storage/object_store.h"

namespace liverec::server {

struct BucketStore {
  std::unique_ptr<storage::ObjectStore> store;
  // Base of RecordUrls for buckets liverec does not serve itself (S3): the configured
  // public_url, or the bucket's URL at the service. "" for local buckets.
  std::string public_base;
};

// InvalidConfiguration when the bucket cannot be reached as configured (a malformed endpoint).
Result<BucketStore> MakeBucketStore(const config::BucketConfig& bucket);

}  // namespace liverec::server
