#include "server/retention.h"

#include <spdlog/spdlog.h>

#include "cluster/one_node_job.h"

namespace liverec::server {

void PurgePastRetention(metadata::SqlDatabase& db, const RetentionTargets& targets,
                        int64_t now_ms) {
  constexpr int64_t kDayMs = 24 * 3600'000LL;
  // Plain references, not a structured binding: clang (the sanitizer build) cannot capture a
  // structured binding in a lambda before C++20's P1091 is implemented.
  metadata::IndexFileRepository& index_files = targets.index_files;
  metadata::PublishHistoryRepository& publish_sessions = targets.publish_sessions;
  metadata::RecordUsageRepository& usage = targets.usage;
  metadata::SnapshotRepository& snapshots = targets.snapshots;
  const config::RecordingConfig& recording = targets.config.recording;
  const int64_t snapshot_days = targets.config.snapshots.history_days;
  int64_t slices = 0, files = 0, sessions = 0, snapshot_rows = 0;
  metadata::UsagePurge usage_rows;
  auto ran = cluster::RunOnOneNode(db, cluster::kRetentionJob, [&]() -> Status {
    auto purged = index_files.PurgeSlicesBefore(now_ms - recording.slice_retention_days * kDayMs);
    if (!purged) return purged.error();
    slices = *purged;
    purged = index_files.PurgeIndexFilesBefore(now_ms - recording.index_retention_days * kDayMs);
    if (!purged) return purged.error();
    files = *purged;
    purged = publish_sessions.Purge(now_ms - recording.publish_history_days * kDayMs);
    if (!purged) return purged.error();
    sessions = *purged;
    // Rolled up before the minutes go.
    auto rolled = usage.RollUp(now_ms);
    if (!rolled) return rolled.error();
    auto usage_purged = usage.Purge(now_ms);
    if (!usage_purged) return usage_purged.error();
    usage_rows = *usage_purged;
    purged = snapshots.PurgeBefore(now_ms - snapshot_days * kDayMs);
    if (!purged) return purged.error();
    snapshot_rows = *purged;
    return Status::Ok();
  });
  if (!ran) {
    spdlog::warn("retention: {}", ran.error().ToString());
  } else if (slices > 0 || files > 0 || sessions > 0 || usage_rows.minutes > 0 ||
             usage_rows.rollups > 0 || snapshot_rows > 0) {
    spdlog::info(
        "retention: purged {} slice rows, {} index-file records, {} publish sessions, {} "
        "minute and {} hour/day rows of recording usage and {} snapshot rows",
        slices, files, sessions, usage_rows.minutes, usage_rows.rollups, snapshot_rows);
  }
}

}  // namespace liverec::server
