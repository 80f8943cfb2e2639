// IndexFileRepository: index-file records (M3U8 playlists over stored slices), the range
// queries over the slice index that build them, and retention purges. Every call but the purges
// and ListUnannounced (recovery, node-wide) names the account. Thread-safety: any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metadata/lease_repository.h"
#include "metadata/rows.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

// What a content query needs of one slice; the views are valid only inside the callback.
struct SliceSpan {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t duration_ms = 0;
  std::string_view endpoint;
  std::string_view bucket;
};
using SliceSpanCallback = std::function<Status(const SliceSpan&)>;

struct IndexFilePage {
  std::vector<IndexFileRow> files;
  int64_t total = 0;
};

class IndexFileRepository {
 public:
  explicit IndexFileRepository(SqlDatabase& db) : db_(db) {}

  // Slices whose start is in [from_ms, to_ms), in order, at most `limit` (ask for one more than
  // you allow to detect "too many"). Uses the (account, stream, start) primary key.
  Result<std::vector<SliceRow>> SlicesStartingIn(const std::string& account_id,
                                                 const std::string& stream_id, int64_t from_ms,
                                                 int64_t to_ms, int64_t limit);
  // Calls `on_span` for each slice whose start is in [from_ms, to_ms), in order, reading only the
  // columns of SliceSpan (from the covering index `slices_spans` on SQLite) and building no rows:
  // the walk behind DescribeLiveStreamRecordContent.
  Status ForEachSliceSpan(const std::string& account_id, const std::string& stream_id,
                          int64_t from_ms, int64_t to_ms, const SliceSpanCallback& on_span);
  // The first slice starting at or after `at_ms`.
  Result<std::optional<SliceRow>> FirstSliceFrom(const std::string& account_id,
                                                 const std::string& stream_id, int64_t at_ms);
  // The SliceOssObjectPrefix a cycle's slices were recorded with ("" if unknown).
  Result<std::string> SliceTemplateOfCycle(const std::string& account_id,
                                           const std::string& cycle_id);
  // The SliceDuration (s) a cycle's slices were recorded with (nullopt if unknown).
  Result<std::optional<int64_t>> SliceDurationOfCycle(const std::string& account_id,
                                                      const std::string& cycle_id);

  Status Insert(const IndexFileRow& file, const Fence* fence = nullptr);
  // Rows whose file_created event is not yet known to be enqueued (announced = 0), of every
  // account, by account and id (creation). Served by the partial index index_files_unannounced.
  Result<std::vector<IndexFileRow>> ListUnannounced();
  // The file's event is enqueued. Marking a row twice, or a missing row, is not an error.
  Status MarkAnnounced(const std::string& account_id, const std::string& id);
  Result<std::optional<IndexFileRow>> Find(const std::string& account_id,
                                           const std::string& stream_id, const std::string& id);
  Result<IndexFilePage> List(const std::string& account_id, const std::string& stream_id,
                             int64_t from_ms, int64_t to_ms, int64_t page_num, int64_t page_size,
                             bool ascending);
  // False when there was no such record.
  Result<bool> Delete(const std::string& account_id, const std::string& stream_id,
                      const std::string& id);

  // Retention (all accounts): rows older than the cut-off; returns how many were deleted.
  Result<int64_t> PurgeSlicesBefore(int64_t start_ms);
  Result<int64_t> PurgeIndexFilesBefore(int64_t created_ms);

 private:
  SqlDatabase& db_;
};

}  // namespace liverec::metadata
