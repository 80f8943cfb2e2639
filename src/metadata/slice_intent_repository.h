// SliceIntentRepository: in a cluster, what a node is about to store for one slice of a stream
// (docs/cluster.md "Slices caught by a node's death"). The node writes the intent, fenced, before
// the slice's objects (its m3u8 slice object, its staged copy for MP4/FLV cycles), and deletes it
// once the slice is indexed and held. A node that dies in between leaves the intent; the node
// that takes the stream's recording lease over next reads it and indexes whatever of the slice
// reached the bucket (recorder/slice_intents.h). Unused on a single node, which finishes its
// slices from its own spool after a crash.
// Thread-safety: any thread (the SqlDatabase serializes).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "metadata/lease_repository.h"
#include "metadata/rows.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

struct SliceIntentRow {
  std::string slice_id;  // the spool slice
  // The slice's index row to be: object_key is the rendered key without ".ts" (the stored key
  // may carry a `_N` of a taken name), "" when no m3u8 cycle uses the slice; cycle_id is the
  // m3u8 cycle; bytes is unknown (0) until stored.
  SliceRow slice;
  std::vector<std::string> held_cycle_ids;  // MP4/FLV cycles holding it (its staged copy)
  bool resumed = false;                     // HeldSliceRow::resumed
  bool torn = false;
  int64_t created_at_ms = 0;
};

class SliceIntentRepository {
 public:
  explicit SliceIntentRepository(SqlDatabase& db) : db_(db) {}

  // Writes the intent; one of the same slice written by an earlier attempt stays as it is.
  Status Insert(const SliceIntentRow& intent, const Fence* fence);
  Status Delete(const std::string& account_id, const std::string& stream_id,
                const std::string& slice_id, const Fence* fence);
  // The stream's intents, by slice start.
  Result<std::vector<SliceIntentRow>> List(const std::string& account_id,
                                           const std::string& stream_id);
  // The object key of the stream's slice row starting at `start_ms`; nullopt when none.
  Result<std::optional<std::string>> IndexedKey(const std::string& account_id,
                                                const std::string& stream_id, int64_t start_ms);
  // Whether a slice row of the stream names the object `key`.
  Result<bool> ObjectIndexed(const std::string& account_id, const std::string& stream_id,
                             const std::string& key);

 private:
  SqlDatabase& db_;
};

}  // namespace liverec::metadata
