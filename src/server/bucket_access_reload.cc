#include "server/bucket_access_reload.h"

#include <fmt/format.h>

namespace liverec::server {
namespace {

const config::BucketConfig* FindBucket(const std::vector<config::BucketConfig>& buckets,
                                       const config::BucketConfig& like) {
  for (const auto& b : buckets) {
    if (b.endpoint == like.endpoint && b.name == like.name) return &b;
  }
  return nullptr;
}

bool SameStorage(const config::BucketConfig& a, const config::BucketConfig& b) {
  const auto &x = a.s3, &y = b.s3;
  return a.account == b.account && a.backend == b.backend && a.path == b.path && x.url == y.url &&
         x.region == y.region && x.access_key_id == y.access_key_id &&
         x.secret_access_key == y.secret_access_key && x.path_style == y.path_style &&
         x.remote_bucket == y.remote_bucket && x.public_url == y.public_url &&
         x.part_size_mb == y.part_size_mb && x.timeout_ms == y.timeout_ms;
}

}  // namespace

BucketAccessReload PlanBucketAccessReload(const std::vector<config::BucketConfig>& running,
                                          const std::vector<config::BucketConfig>& reloaded) {
  BucketAccessReload plan;
  for (const auto& bucket : running) {
    config::BucketConfig next = bucket;
    std::string name = fmt::format("bucket {} at {}", bucket.name, bucket.endpoint);
    const config::BucketConfig* fresh = FindBucket(reloaded, bucket);
    if (!fresh) {
      plan.needs_restart.push_back(name + " is no longer configured: served until a restart");
    } else {
      if (!SameStorage(bucket, *fresh)) {
        plan.needs_restart.push_back(name + ": its account or storage changed: for a restart");
      }
      if (fresh->access != bucket.access) {
        plan.applied.push_back(fmt::format("{}: {} -> {}", name, bucket.access, fresh->access));
      }
      if (fresh->url_expiry_s != bucket.url_expiry_s) {
        plan.applied.push_back(fmt::format("{}: url_expiry_s {} -> {}", name, bucket.url_expiry_s,
                                           fresh->url_expiry_s));
      }
      if (fresh->url_key != bucket.url_key) {
        plan.applied.push_back(name + ": a new url_key (URLs signed before stop working)");
      }
      next.access = fresh->access;
      next.url_expiry_s = fresh->url_expiry_s;
      next.url_key = fresh->url_key;
      next.url_key_env = fresh->url_key_env;
    }
    plan.buckets.push_back(std::move(next));
  }
  for (const auto& fresh : reloaded) {
    if (!FindBucket(running, fresh)) {
      plan.needs_restart.push_back(
          fmt::format("bucket {} at {} is new: used after a restart", fresh.name, fresh.endpoint));
    }
  }
  return plan;
}

}  // namespace liverec::server
