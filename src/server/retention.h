// The hourly retention job (docs/operations.md): slice-index rows, index-file records and publish
// sessions past their configured retention are purged, so is the snapshot list, and the recording
// usage is rolled up into hours and days and purged past its retention (docs/api/usage.md), on one
// node of a cluster at a time (cluster/one_node_job.h). Objects in buckets are never deleted.
// Blocks (database); logs what it purged and any failure.
#pragma once

#include <cstdint>

#include "config/config.h"
#include "metadata/index_file_repository.h"
#include "metadata/publish_history_repository.h"
#include "metadata/record_usage_repository.h"
#include "metadata/snapshot_repository.h"
#include "metadata/sql_database.h"

namespace liverec::server {

// What the job purges, and the settings that say how long each is kept.
struct RetentionTargets {
  metadata::IndexFileRepository& index_files;
  metadata::PublishHistoryRepository& publish_sessions;
  metadata::RecordUsageRepository& usage;
  metadata::SnapshotRepository& snapshots;  // past [snapshots] history_days
  const config::Config& config;
};

void PurgePastRetention(metadata::SqlDatabase& db, const RetentionTargets& targets, int64_t now_ms);

}  // namespace liverec::server
