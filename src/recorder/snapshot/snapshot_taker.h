// SnapshotTaker: takes one snapshot on a worker thread — the keyframe to JPEG
// (media::snapshot::SnapshotJpeg), stored under the config's OverwriteOssObject (replacing the
// previous picture) and/or SequenceOssObject (a new object, never replacing one), each stored
// object recorded for DescribeLiveStreamSnapshotInfo and announced to the config's Callback.
// A failure (no picture, a bucket refusing, the database) is logged and counted and ends this
// snapshot only: the stream, its recording and the next snapshots go on.
// Thread-safety: Take from any thread, concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "callbacks/snapshot_notifier.h"
#include "media/media_packet.h"
#include "metadata/snapshot_config_repository.h"
#include "metadata/snapshot_repository.h"
#include "recorder/cycle_manager.h"
#include "recorder/snapshot/snapshot_metrics.h"

namespace liverec::recorder::snapshot {

// The publish a snapshot is of, and the config it follows (as it was when the publish began).
struct SnapshotTarget {
  std::string account_id;
  std::string domain;
  std::string app;
  std::string stream;
  metadata::SnapshotConfig config;
};

struct SnapshotJob {
  std::shared_ptr<const SnapshotTarget> target;
  media::CodecConfig video;
  media::MediaPacket keyframe;
  int64_t taken_ms = 0;  // wall clock at the capture: {UnixTimestamp} and CreateTime
  int64_t sequence = 1;  // {Sequence}
};

class SnapshotTaker {
 public:
  // `notifier` may be null (no callbacks).
  SnapshotTaker(StoreLookup stores, metadata::SnapshotRepository& snapshots,
                callbacks::SnapshotNotifier* notifier, SnapshotMetrics& metrics)
      : stores_(std::move(stores)), snapshots_(snapshots), notifier_(notifier), metrics_(metrics) {}

  // Blocks for the encode and the stores. The first failure, or Ok.
  Status Take(const SnapshotJob& job);

 private:
  Status Store(const SnapshotJob& job, storage::ObjectStore& store, const std::string& key,
               bool overlay, const std::vector<uint8_t>& jpeg, int width, int height);

  StoreLookup stores_;
  metadata::SnapshotRepository& snapshots_;
  callbacks::SnapshotNotifier* notifier_;
  SnapshotMetrics& metrics_;
};

}  // namespace liverec::recorder::snapshot
