// Snapshots: what taking snapshots needs (docs/api/snapshots.md), made and owned together by the
// server — the config and snapshot repositories, the callback notifier, the worker pool
// ([snapshots] workers and queue), the taker and the listener that wraps ingest's.
// Destroyed in reverse order of making: the workers (joined: running snapshots finish) go
// before what their jobs use.
#pragma once

#include <memory>

#include "api/action_context.h"
#include "base/metrics.h"
#include "callbacks/snapshot_notifier.h"
#include "config/config.h"
#include "recorder/snapshot/snapshot_listener.h"

namespace liverec::server {

class Snapshots {
 public:
  Snapshots(const config::Config& config, metadata::SqlDatabase& db,
            metadata::NotifyConfigRepository& notify_configs, callbacks::Outbox& outbox,
            recorder::StoreLookup stores, metrics::MetricRegistry& registry, const Clock& clock);
  ~Snapshots();

  // The listener ingest calls: takes snapshots, then hands every publish to `inner`.
  ingest::PublishListener& Listener(ingest::PublishListener& inner);
  // What the snapshot actions use.
  api::SnapshotServices ApiServices();
  // The list of snapshots taken (purged by the hourly retention job, server/retention.h).
  metadata::SnapshotRepository& repository() { return snapshots_; }

 private:
  const config::Config& config_;
  const Clock& clock_;
  metadata::SnapshotConfigRepository configs_;
  metadata::SnapshotRepository snapshots_;
  callbacks::OutboxSnapshotNotifier notifier_;
  recorder::snapshot::SnapshotMetrics metrics_;
  recorder::snapshot::SnapshotTaker taker_;
  std::unique_ptr<recorder::snapshot::SnapshotWorkers> workers_;
  std::unique_ptr<recorder::snapshot::SnapshotListener> listener_;
};

}  // namespace liverec::server
