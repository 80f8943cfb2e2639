#include "server/object_stores.h"

#include "storage/local/local_object_store.h"
#include "storage/s3/s3_object_store.h"

namespace liverec::server {

Result<BucketStore> MakeBucketStore(const config::BucketConfig& bucket) {
  if (bucket.backend != "s3") {
    return BucketStore{std::make_unique<storage::LocalObjectStore>(bucket.path), ""};
  }
  const config::S3BucketConfig& s3 = bucket.s3;
  storage::S3Options options;
  options.endpoint_url = s3.url;
  options.region = s3.region;
  options.access_key_id = s3.access_key_id;
  options.secret_access_key = s3.secret_access_key;
  options.bucket = s3.remote_bucket.empty() ? bucket.name : s3.remote_bucket;
  options.path_style = s3.path_style;
  options.part_size_bytes = static_cast<uint64_t>(s3.part_size_mb) * 1024 * 1024;
  options.timeout_ms = s3.timeout_ms;
  auto store = storage::S3ObjectStore::Create(std::move(options));
  if (!store) return Error(store.error().WithContext("bucket " + bucket.name));
  std::string base = s3.public_url.empty() ? (*store)->PublicBaseUrl() : s3.public_url;
  // The store lives as long as its BucketStore's owner, which keeps the presigner too.
  storage::S3ObjectStore* s3_store = store->get();
  auto presign = [s3_store](std::string_view key, int64_t now_s, int64_t lifetime_s) {
    return s3_store->PresignGetUrl(key, now_s, lifetime_s);
  };
  auto read = [s3_store](const std::string& key) { return s3_store->Get(key); };
  return BucketStore{std::move(*store), std::move(base), std::move(presign), std::move(read)};
}

}  // namespace liverec::server
