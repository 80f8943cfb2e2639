// BucketAccessService: the server's bucket access over its life (docs/configuration.md "Bucket
// access"): made at start from the config (MakeBucketAccessEntries: keys from the config or the
// database, each S3 bucket's presigner and reader), then reloaded from a reloaded config
// (PlanBucketAccessReload: access, url_expiry_s and url_key of the running buckets). Hands out
// the BucketAccess that the router and the API share.
// Thread-safety: access() from any thread; Reload from one thread at a time (the signal thread).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "base/status.h"
#include "config/config.h"
#include "metadata/sql_database.h"
#include "server/bucket_access.h"
#include "server/object_stores.h"

namespace liverec::server {

class BucketAccessService {
 public:
  // `url_sources`: each bucket's public base, presigner and reader, by (endpoint, name) (the
  // stores themselves live elsewhere and outlive this). `public_url`: where liverec is reached.
  static Result<std::unique_ptr<BucketAccessService>> Make(
      const config::Config& config,
      std::map<std::pair<std::string, std::string>, BucketStore> url_sources,
      metadata::SqlDatabase& db, std::string public_url, const Clock& clock, RandomSource& random);

  BucketAccess& access() { return *access_; }

  // Applies the bucket access of `reloaded`, logging each change and what waits for a restart.
  // On an error (the database) the access stays as it was.
  Status Reload(const config::Config& reloaded);

 private:
  BucketAccessService(const config::Config& config,
                      std::map<std::pair<std::string, std::string>, BucketStore> url_sources,
                      metadata::SqlDatabase& db, const Clock& clock, RandomSource& random)
      : config_(config),
        buckets_(config.buckets),
        url_sources_(std::move(url_sources)),
        db_(db),
        clock_(clock),
        random_(random) {}

  // The entries of buckets_.
  Result<std::vector<BucketAccessEntry>> Entries();

  const config::Config config_;
  std::vector<config::BucketConfig> buckets_;  // as the access was last built from them
  std::map<std::pair<std::string, std::string>, BucketStore> url_sources_;
  metadata::SqlDatabase& db_;
  const Clock& clock_;
  RandomSource& random_;
  std::unique_ptr<BucketAccess> access_;
};

}  // namespace liverec::server
