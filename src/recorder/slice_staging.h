// Slice staging (docs/cluster.md "MP4 and FLV across nodes"): in a cluster, the slices an open
// MP4/FLV cycle holds are also stored in the cycle's bucket as they close, under StagedSliceKey,
// so that whichever node closes the cycle — the one a publisher moved to, or the one that closes
// a dead node's cycle — composes it whole. The recording node composes from its spool copy; any
// other node fetches the staged object. Once no cycle holds a slice any more, its staged object
// is deleted with its spool copy. On a single node nothing is staged.
// Thread-safety: free functions; blocking (the bucket, the disk).
#pragma once

#include <string>

#include "base/status.h"
#include "storage/object_store.h"

namespace liverec::recorder {

// ".liverec/staging/<stream id>/<slice id>.ts" (docs/object-keys.md).
std::string StagedSliceKey(const std::string& stream_id, const std::string& slice_id);

// Stores the closed slice at `path` as the staged object; one stored by an earlier attempt of
// the same slice (a retry, a restart) counts as stored.
Status StageSlice(storage::ObjectStore& store, const std::string& stream_id,
                  const std::string& slice_id, const std::string& path);

// Writes the staged object of the slice to `into_path`. kObjectNotFound when it is not staged.
Status FetchStagedSlice(storage::ObjectStore& store, const std::string& stream_id,
                        const std::string& slice_id, const std::string& into_path);

// Deletes the staged object of the slice; one that is gone already is fine, other failures are
// logged (the object is left behind, named as staged).
void DeleteStagedSlice(storage::ObjectStore& store, const std::string& stream_id,
                       const std::string& slice_id);

}  // namespace liverec::recorder
