#include "server/bucket_access_service.h"

#include <spdlog/spdlog.h>

#include "server/bucket_access_reload.h"
#include "server/bucket_access_setup.h"

namespace liverec::server {

Result<std::unique_ptr<BucketAccessService>> BucketAccessService::Make(
    const config::Config& config,
    std::map<std::pair<std::string, std::string>, BucketStore> url_sources,
    metadata::SqlDatabase& db, std::string public_url, const Clock& clock, RandomSource& random) {
  std::unique_ptr<BucketAccessService> service(
      new BucketAccessService(config, std::move(url_sources), db, clock, random));
  auto entries = service->Entries();
  if (!entries) return Error(entries.error());
  service->access_ =
      std::make_unique<BucketAccess>(std::move(*entries), std::move(public_url), clock, random);
  return service;
}

Result<std::vector<BucketAccessEntry>> BucketAccessService::Entries() {
  BucketStores sources;
  for (const auto& [id, source] : url_sources_) sources[id] = &source;
  config::Config with = config_;
  with.buckets = buckets_;
  return MakeBucketAccessEntries(with, db_, sources, clock_, random_);
}

Status BucketAccessService::Reload(const config::Config& reloaded) {
  BucketAccessReload plan = PlanBucketAccessReload(buckets_, reloaded.buckets);
  for (const auto& left : plan.needs_restart) spdlog::warn("reload: {}", left);
  std::vector<config::BucketConfig> previous = std::move(buckets_);
  buckets_ = std::move(plan.buckets);
  auto entries = Entries();
  if (!entries) {
    buckets_ = std::move(previous);
    return entries.error().WithContext("reload of the bucket access");
  }
  access_->Replace(std::move(*entries));
  for (const auto& change : plan.applied) spdlog::info("reload: {}", change);
  spdlog::info("reload: bucket access applied ({} change(s))", plan.applied.size());
  return Status::Ok();
}

}  // namespace liverec::server
