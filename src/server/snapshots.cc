#include "server/snapshots.h"

namespace liverec::server {

namespace {
constexpr int64_t kDayMs = 24 * 3600'000LL;
}  // namespace

Snapshots::Snapshots(const config::Config& config, metadata::SqlDatabase& db,
                     metadata::NotifyConfigRepository& notify_configs, callbacks::Outbox& outbox,
                     recorder::StoreLookup stores, metrics::MetricRegistry& registry,
                     const Clock& clock)
    : config_(config),
      clock_(clock),
      configs_(db),
      snapshots_(db),
      notifier_(notify_configs, outbox),
      metrics_(registry),
      taker_(std::move(stores), snapshots_, &notifier_, metrics_),
      workers_(std::make_unique<recorder::snapshot::SnapshotWorkers>(
          static_cast<int>(config.snapshots.workers),
          static_cast<size_t>(config.snapshots.queue))) {}

Snapshots::~Snapshots() {
  listener_.reset();
  workers_.reset();
}

ingest::PublishListener& Snapshots::Listener(ingest::PublishListener& inner) {
  listener_ = std::make_unique<recorder::snapshot::SnapshotListener>(
      inner, recorder::snapshot::SnapshotServices{configs_, snapshots_, *workers_, taker_, metrics_,
                                                  clock_});
  return *listener_;
}

api::SnapshotServices Snapshots::ApiServices() {
  api::SnapshotServices services;
  services.configs = &configs_;
  services.snapshots = &snapshots_;
  if (config_.testing.enabled) {
    services.min_time_interval_s = config_.testing.min_snapshot_interval_s;
  }
  services.history_ms = config_.snapshots.history_days * kDayMs;
  return services;
}

}  // namespace liverec::server
