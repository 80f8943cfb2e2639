// SliceFinisher: completes closed spool slices of one stream, in order: attaches the slice to
// its cycle, takes its {Sequence}, stores it in the bucket under the rendered
// SliceOssObjectPrefix (never overwriting), indexes it, and removes it from the spool. A slice
// that cannot be stored stays in the spool for the next start to retry.
// Thread-safety: calls for one stream must be serialized (a strand); blocks (database, disk).
#pragma once

#include <string>

#include "metadata/recording_repository.h"
#include "recorder/cycle_manager.h"
#include "recorder/spool.h"

namespace liverec::recorder {

class SliceFinisher {
 public:
  SliceFinisher(metadata::RecordingRepository& recordings, CycleManager& cycles,
                StoreLookup stores, const Spool& spool, const Clock& clock)
      : recordings_(recordings), cycles_(cycles), stores_(std::move(stores)), spool_(spool),
        clock_(clock) {}

  // `slice` must be closed (its .ts exists) or be a recovered torn slice made whole.
  Status Finish(const SpoolSlice& slice);
  // The publisher left: the current cycle starts waiting DelayTime.
  Status End();

 private:
  metadata::RecordingRepository& recordings_;
  CycleManager& cycles_;
  StoreLookup stores_;
  const Spool& spool_;
  const Clock& clock_;
  std::string account_id_;
  std::string cycle_id_;
};

}  // namespace liverec::recorder
