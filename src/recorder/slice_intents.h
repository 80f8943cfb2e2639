// Slice intents (docs/cluster.md "Slices caught by a node's death"): in a cluster, a node writes
// what it is about to store for a slice before storing it (metadata::SliceIntentRepository) and
// deletes it once the slice is indexed and held. When a node dies between storing a slice's
// object and indexing it, the intent is what lets the node that takes the stream's recording
// lease over next (to continue the cycle, or to close it) index the object rather than leave it
// in the bucket unknown to the index: AdoptSliceIntents.
// Thread-safety: free functions; blocking (the database, the bucket).
#pragma once

#include <string>
#include <vector>

#include "metadata/recording_repository.h"
#include "metadata/slice_intent_repository.h"
#include "recorder/cycle_manager.h"

namespace liverec::recorder {

// The m3u8 slice object's key without its ".ts": SliceOssObjectPrefix rendered for `slice`
// (whose sequence is taken).
std::string SliceKeyBase(const SpoolSlice& slice);

// The index row of `slice` in the m3u8 cycle `cycle`, stored under `key` with `bytes`: a
// republish continuing the cycle starts with a discontinuity.
metadata::SliceRow SliceRowOf(const SpoolSlice& slice, const metadata::RecordCycleRow& cycle,
                              std::string key, int64_t bytes);

// The intent of `slice` (its sequence taken when an m3u8 cycle uses it) for the cycles it is
// attached to, made at `now_ms`.
metadata::SliceIntentRow IntentOf(const SpoolSlice& slice,
                                  const std::vector<metadata::RecordCycleRow>& cycles,
                                  int64_t now_ms);

// The node was just given the recording lease of the stream (`fence`): every intent of the
// stream, which only a node that lost the stream (died, or lost it while paused) can have left,
// is settled under the fence. The slice's m3u8 object, when one of its names (`<base>.ts`,
// `<base>_1.ts`, ...) is stored and indexed by no row, is indexed in its cycle; its staged copy,
// when stored, is held by its MP4/FLV cycles; when only one of the two copies reached the
// bucket, the other is made from it (the slice is then in the playlist and the files alike); the
// intent is deleted. What never reached the bucket stays unrecorded (in the dead node's spool). A
// bucket or database error stops it (the intents stay for the next taker); a bucket no longer
// declared drops the intent.
Status AdoptSliceIntents(metadata::SliceIntentRepository& intents,
                         metadata::RecordingRepository& recordings, const StoreLookup& stores,
                         const std::string& account_id, const std::string& stream_id,
                         const metadata::Fence& fence);

}  // namespace liverec::recorder
