// CycleManager: the record cycles (one m3u8 recording file each) of every stream of this node.
// Attaches slices to the open cycle of their stream and config (continuing it across a short
// interruption), starts a new cycle when CycleDuration is reached, and closes cycles: writes
// the playlist (relative segment URIs, #EXT-X-ENDLIST) to the bucket under the rendered
// OssObjectPrefix, never overwriting an object. Cycles without a publisher close DelayTime after
// their last activity (CloseExpired, run periodically and at start).
// Thread-safety: any worker thread; cycle changes are serialized by one mutex. Blocks on the
// database and the bucket: never call from an I/O thread.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "base/random.h"
#include "metadata/index_file_repository.h"
#include "metadata/recording_repository.h"
#include "recorder/recording_plan.h"
#include "recorder/spool.h"
#include "storage/object_store.h"

namespace liverec::recorder {

// The store of bucket (endpoint, name), or nullptr when it is not declared (any more).
using StoreLookup =
    std::function<storage::ObjectStore*(const std::string& endpoint, const std::string& bucket)>;

// Stores `bytes_or_file` under the rendered key, trying `<key>_1<ext>`, `<key>_2<ext>`, ... when
// an object already has the name (an object is never overwritten). Returns the key used.
Result<std::string> PutWithoutOverwrite(
    const std::string& key_without_extension, const std::string& extension,
    const std::function<Status(const std::string& key)>& put);

class CycleManager {
 public:
  // `index_files` (optional) gets a record for every closed cycle's playlist.
  CycleManager(metadata::RecordingRepository& recordings, StoreLookup stores, const Spool& spool,
               const Clock& clock, RandomSource& random,
               metadata::IndexFileRepository* index_files = nullptr)
      : recordings_(recordings), stores_(std::move(stores)), spool_(spool), clock_(clock),
        random_(random), index_files_(index_files) {}

  // The cycle a slice starting at `slice_start_ms` belongs to; marks it live.
  Result<metadata::RecordCycleRow> Attach(const RecordingPlan& plan, int64_t slice_start_ms);
  // The slice was stored and indexed into `cycle_id`: update the spool playlist.
  Status SliceAdded(const RecordingPlan& plan, const std::string& cycle_id);
  // The publisher left: the cycle waits DelayTime for it.
  Status Detach(const std::string& account_id, const std::string& cycle_id);
  // Closes every cycle without a publisher whose DelayTime has passed.
  Status CloseExpired();

 private:
  Status CloseLocked(const metadata::RecordCycleRow& cycle);
  Result<metadata::RecordCycleRow> OpenLocked(const RecordingPlan& plan);

  metadata::RecordingRepository& recordings_;
  StoreLookup stores_;
  const Spool& spool_;
  const Clock& clock_;
  RandomSource& random_;
  metadata::IndexFileRepository* index_files_;
  std::mutex mutex_;
  std::map<std::string, int64_t> retry_after_ms_;  // cycles that failed to close, and when to retry
};

}  // namespace liverec::recorder
