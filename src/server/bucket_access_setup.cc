#include "server/bucket_access_setup.h"

#include <array>

#include "base/crypto.h"
#include "metadata/bucket_url_key_repository.h"
#include "metadata/tenant_repository.h"

namespace liverec::server {
namespace {

std::string RandomKey(RandomSource& random) {
  std::array<uint8_t, 16> bytes{};
  random.Fill(bytes);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace

Result<std::vector<BucketAccessEntry>> MakeBucketAccessEntries(const config::Config& config,
                                                               metadata::SqlDatabase& db,
                                                               const BucketStores& stores,
                                                               const Clock& clock,
                                                               RandomSource& random) {
  metadata::TenantRepository tenants(db, clock, random);
  metadata::BucketUrlKeyRepository keys(db);
  std::vector<BucketAccessEntry> entries;
  for (const auto& bucket : config.buckets) {
    BucketAccessEntry entry;
    entry.account = bucket.account;
    entry.endpoint = bucket.endpoint;
    entry.name = bucket.name;
    entry.served = bucket.backend == "local" && bucket.endpoint == "local";
    entry.is_private = bucket.IsPrivate();
    entry.url_expiry_s = bucket.url_expiry_s;
    auto store = stores.find({bucket.endpoint, bucket.name});
    if (store != stores.end() && store->second) {
      entry.base_url = store->second->public_base;  // S3; served buckets: filled by BucketAccess
      entry.presign = store->second->presign;
      entry.read = store->second->read;
    }
    entry.url_key = bucket.url_key;
    // Served buckets sign their objects' tokens; private S3 buckets their playlists' tokens.
    if ((entry.served || entry.presign) && entry.url_key.empty()) {
      auto account = tenants.FindAccountByName(bucket.account);
      if (!account) return Error(account.error());
      if (!*account) {
        return Error(ErrorCode::kInternalError, "", "account " + bucket.account + " is missing");
      }
      auto key = keys.GetOrCreate((*account)->id, bucket.endpoint, bucket.name, RandomKey(random),
                                  clock.NowMs());
      if (!key) return Error(key.error().WithContext("the URL key of bucket " + bucket.name));
      entry.url_key = std::move(*key);
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

void SetIndexUrls(api::IndexOptions& index, const BucketAccess& access) {
  index.record_url = [&access](const std::string& endpoint, const std::string& bucket,
                               const std::string& key) {
    return access.ObjectUrl(endpoint, bucket, key);
  };
  index.watch_url = [&access](const api::WatchTarget& target, int64_t lifetime_s) {
    return access.SignedPathUrl(target.endpoint, target.bucket, api::WatchPath(target),
                                api::EncodedWatchPath(target), lifetime_s);
  };
}

}  // namespace liverec::server
