#include "server/retention.h"

#include <spdlog/spdlog.h>

#include "cluster/one_node_job.h"

namespace liverec::server {

void PurgePastRetention(metadata::SqlDatabase& db, metadata::IndexFileRepository& index_files,
                        metadata::PublishHistoryRepository& publish_sessions,
                        const config::RecordingConfig& recording, int64_t now_ms) {
  constexpr int64_t kDayMs = 24 * 3600'000LL;
  int64_t slices = 0, files = 0, sessions = 0;
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
    return Status::Ok();
  });
  if (!ran) {
    spdlog::warn("retention: {}", ran.error().ToString());
  } else if (slices > 0 || files > 0 || sessions > 0) {
    spdlog::info("retention: purged {} slice rows, {} index-file records and {} publish sessions",
                 slices, files, sessions);
  }
}

}  // namespace liverec::server
