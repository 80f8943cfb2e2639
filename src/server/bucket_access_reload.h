// What a reload of the config (SIGHUP) changes in bucket access (docs/configuration.md "Bucket
// access"): the running buckets keep everything but their access, url_expiry_s and url_key,
// which take the reloaded values; any other change (a bucket added, removed, moved to another
// account, path or service) waits for a restart and is reported. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace liverec::server {

struct BucketAccessReload {
  std::vector<config::BucketConfig> buckets;  // the running buckets with the reloaded access
  std::vector<std::string> applied;           // "bucket records: private -> public-read", ...
  std::vector<std::string> needs_restart;     // what the reload leaves for a restart
};

BucketAccessReload PlanBucketAccessReload(const std::vector<config::BucketConfig>& running,
                                          const std::vector<config::BucketConfig>& reloaded);

}  // namespace liverec::server
