// RecordingRepository: streams ever seen, their {Sequence} counters, record cycles, the slice
// index, the spool slices held for MP4/FLV cycles, and the MP4/FLV files stored. Every call names
// the account, except the node-wide ListOpenCycles and ListUnannouncedRecordFiles used by
// maintenance and recovery.
// The writes of a stream's recording take an optional Fence (lease_repository.h): in a cluster the
// stream's recording lease, so that a node that lost the stream cannot write into its cycles
// (docs/cluster.md "Stream ownership"); null on a single node.
// Thread-safety: any thread (the SqlDatabase serializes; multi-step writes are transactions).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "metadata/lease_repository.h"
#include "metadata/rows.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

enum class SequenceKind { kSlice, kCycle };

// A spool slice an open MP4/FLV cycle will compose (one row per cycle using the slice).
struct HeldSliceRow {
  std::string account_id;
  std::string cycle_id;
  std::string slice_id;
  std::string stream_id;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string video_codec;
  std::string audio_codec;
  int width = 0;
  int height = 0;
  bool resumed = false;  // starts after a republish or a timestamp jump
  bool torn = false;     // cut short by a crash
};

// One stored MP4/FLV file: part `part` of its cycle, slices [first_slice, +slice_count).
struct RecordFileRow {
  std::string account_id;
  std::string id;
  std::string stream_id;
  std::string cycle_id;
  int64_t part = 0;
  int64_t first_slice = 0;
  int64_t slice_count = 0;
  std::string format;
  std::string endpoint;
  std::string bucket;
  std::string object_key;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t duration_ms = 0;
  int width = 0;
  int height = 0;
  int64_t bytes = 0;
  int64_t created_at_ms = 0;
  // Whether its file_created event is in the callback outbox (or nobody is to be told): written
  // false, marked after the enqueue (docs/callbacks.md).
  bool announced = true;
};

// A page of a stream's MP4/FLV files and how many match in all.
struct RecordFilePage {
  int64_t total = 0;
  std::vector<RecordFileRow> files;
};

class RecordingRepository {
 public:
  RecordingRepository(SqlDatabase& db, const Clock& clock, RandomSource& random)
      : db_(db), clock_(clock), random_(random) {}

  // The database it works on (for the repositories of the same recordings).
  SqlDatabase& database() { return db_; }

  // The stream row, created on first publish; last_publish_ms is set to now.
  Result<StreamRow> EnsureStream(const std::string& account_id, const std::string& domain,
                                 const std::string& app, const std::string& stream);
  Result<std::optional<StreamRow>> FindStream(const std::string& account_id,
                                              const std::string& domain, const std::string& app,
                                              const std::string& stream);
  Result<std::optional<StreamRow>> FindStreamById(const std::string& account_id,
                                                  const std::string& stream_id);
  // Returns the next {Sequence} of the stream and advances it: never the same value twice.
  Result<int64_t> TakeSequence(const std::string& account_id, const std::string& stream_id,
                               SequenceKind kind);

  Status InsertCycle(const RecordCycleRow& cycle, const Fence* fence = nullptr);
  // Records a slice into the cycle: extends end_ms, sets start_ms if unset, last_activity_ms.
  Status TouchCycle(const std::string& account_id, const std::string& cycle_id, int64_t start_ms,
                    int64_t end_ms, int64_t now_ms, const Fence* fence = nullptr);
  // Marks whether a publisher feeds the cycle; last_activity_ms = now.
  Status SetCycleLive(const std::string& account_id, const std::string& cycle_id, bool live,
                      int64_t now_ms, const Fence* fence = nullptr);
  // An open cycle takes no more slices: its files are to be written (state closing, not live).
  // True when it was open; false when it was closing or closed already (nothing changes).
  Result<bool> MarkCycleClosing(const std::string& account_id, const std::string& cycle_id,
                                const Fence* fence = nullptr);
  // Its files are stored (state closed); `object_key` names the first.
  Status CloseCycle(const std::string& account_id, const std::string& cycle_id,
                    const std::string& object_key, int64_t now_ms, const Fence* fence = nullptr);
  Result<std::optional<RecordCycleRow>> FindCycle(const std::string& account_id,
                                                  const std::string& cycle_id);
  // The open cycle of (stream, config, format), if any.
  Result<std::optional<RecordCycleRow>> FindOpenCycle(const std::string& account_id,
                                                      const std::string& stream_id,
                                                      const std::string& config_id,
                                                      const std::string& format);
  // At start: no publisher feeds any cycle of this node any more (last_activity_ms is kept, so
  // cycles whose DelayTime passed while the server was down close at once).
  Status MarkAllCyclesNotLive();
  // Cycles of every account not closed yet, open and closing (for closing those past DelayTime
  // and those left closing by a crash or a failed close), by last activity.
  Result<std::vector<RecordCycleRow>> ListOpenCycles();

  // Idempotent: a slice already indexed (same stream and start) is left as it is.
  Status InsertSlice(const SliceRow& slice, const Fence* fence = nullptr);
  // The latest end_ms of the stream's indexed slices (0 when none).
  Result<int64_t> LastSliceEnd(const std::string& account_id, const std::string& stream_id);
  Result<std::vector<SliceRow>> ListCycleSlices(const std::string& account_id,
                                                const std::string& cycle_id);
  Result<std::vector<SliceRow>> ListStreamSlices(const std::string& account_id,
                                                 const std::string& stream_id, int64_t from_ms,
                                                 int64_t to_ms);

  // Idempotent: a slice already held for the cycle is left as it is.
  Status InsertHeldSlice(const HeldSliceRow& slice, const Fence* fence = nullptr);
  // The cycle's held slices in time order.
  Result<std::vector<HeldSliceRow>> ListHeldSlices(const std::string& account_id,
                                                   const std::string& cycle_id);
  Status DeleteHeldSlices(const std::string& account_id, const std::string& cycle_id,
                          const Fence* fence = nullptr);
  // How many cycles still hold the slice (0: its spool file may go).
  Result<int64_t> CountHeldSliceUses(const std::string& account_id, const std::string& slice_id);
  // Whether any cycle of any account holds the slice (node-wide, for the spool sweep).
  Result<bool> IsSliceHeld(const std::string& slice_id);
  // The latest end_ms of the stream's held slices (0 when none).
  Result<int64_t> LastHeldSliceEnd(const std::string& account_id, const std::string& stream_id);

  Status InsertRecordFile(const RecordFileRow& file, const Fence* fence = nullptr);
  // The files stored for a cycle, by part.
  Result<std::vector<RecordFileRow>> ListCycleRecordFiles(const std::string& account_id,
                                                          const std::string& cycle_id);
  Result<std::vector<RecordFileRow>> ListStreamRecordFiles(const std::string& account_id,
                                                           const std::string& stream_id);
  // Page `page_num` (from 1) of `page_size` of the stream's files starting in [from_ms, to_ms),
  // of `format` ("mp4", "flv"; "" for both), by start (then part), ascending or not.
  Result<RecordFilePage> ListStreamRecordFilesPage(const std::string& account_id,
                                                   const std::string& stream_id, int64_t from_ms,
                                                   int64_t to_ms, const std::string& format,
                                                   int64_t page_num, int64_t page_size,
                                                   bool ascending);
  // Files whose file_created event is not yet known to be enqueued (announced = 0), of every
  // account, by account and id (creation). Served by the partial index record_files_unannounced.
  Result<std::vector<RecordFileRow>> ListUnannouncedRecordFiles();
  // The file's event is enqueued. Marking a row twice, or a missing row, is not an error.
  Status MarkRecordFileAnnounced(const std::string& account_id, const std::string& id);

 private:
  SqlDatabase& db_;
  const Clock& clock_;
  RandomSource& random_;
};

}  // namespace liverec::metadata
