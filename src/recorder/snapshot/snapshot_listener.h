// SnapshotListener: a PublishListener that wraps another (the recorder; the stream-callback
// listener in turn wraps this one) and takes each publish's snapshots (docs/api/snapshots.md). At
// the publish it reads the snapshot config of the stream's app (else the domain's "*" config)
// once, and with a SequenceOssObject the count of the stream's sequence snapshots ({Sequence}
// goes on from there): at most two database reads, as the recorder makes one. A config added or
// changed later applies from the next publish, as in the cloud. Then, on the I/O thread,
// each video keyframe at or after the next due time (the first keyframe, then TimeInterval
// seconds after the last one taken or skipped) is copied into a SnapshotJob for the
// SnapshotWorkers; when they are full the snapshot is skipped and counted. Nothing else is done
// on the I/O thread. The wrapped listener's observer gets every packet and the end first,
// exactly as without the wrapper.
// Thread-safety: OnPublish from any I/O thread; each observer on its connection's thread.
#pragma once

#include <cstdint>
#include <memory>

#include "base/clock.h"
#include "ingest/stream_observer.h"
#include "metadata/snapshot_config_repository.h"
#include "metadata/snapshot_repository.h"
#include "recorder/snapshot/snapshot_metrics.h"
#include "recorder/snapshot/snapshot_taker.h"
#include "recorder/snapshot/snapshot_workers.h"

namespace liverec::recorder::snapshot {

struct SnapshotServices {
  metadata::SnapshotConfigRepository& configs;
  metadata::SnapshotRepository& snapshots;
  SnapshotWorkers& workers;
  SnapshotTaker& taker;
  SnapshotMetrics& metrics;
  const Clock& clock;
};

class SnapshotListener final : public ingest::PublishListener {
 public:
  SnapshotListener(ingest::PublishListener& inner, SnapshotServices services)
      : inner_(inner), services_(services) {}

  // The inner observer as it is when the stream has no snapshot config (or it cannot be read:
  // logged, and the publish goes on without snapshots); else a wrapper.
  std::unique_ptr<ingest::StreamObserver> OnPublish(const ingest::PublishInfo& info) override;

 private:
  ingest::PublishListener& inner_;
  SnapshotServices services_;
};

}  // namespace liverec::recorder::snapshot
