// RecordingRepository: streams ever seen, their {Sequence} counters, record cycles, and the slice
// index. Every call names the account, except the node-wide ListOpenCycles used by maintenance.
// Thread-safety: any thread (the SqlDatabase serializes; multi-step writes are transactions).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "metadata/rows.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

enum class SequenceKind { kSlice, kCycle };

class RecordingRepository {
 public:
  RecordingRepository(SqlDatabase& db, const Clock& clock, RandomSource& random)
      : db_(db), clock_(clock), random_(random) {}

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

  Status InsertCycle(const RecordCycleRow& cycle);
  // Records a slice into the cycle: extends end_ms, sets start_ms if unset, last_activity_ms.
  Status TouchCycle(const std::string& account_id, const std::string& cycle_id, int64_t start_ms,
                    int64_t end_ms, int64_t now_ms);
  // Marks whether a publisher feeds the cycle; last_activity_ms = now.
  Status SetCycleLive(const std::string& account_id, const std::string& cycle_id, bool live,
                      int64_t now_ms);
  Status CloseCycle(const std::string& account_id, const std::string& cycle_id,
                    const std::string& object_key, int64_t now_ms);
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
  // Open cycles of every account (for closing those past DelayTime, and for recovery).
  Result<std::vector<RecordCycleRow>> ListOpenCycles();

  // Idempotent: a slice already indexed (same stream and start) is left as it is.
  Status InsertSlice(const SliceRow& slice);
  // The latest end_ms of the stream's indexed slices (0 when none).
  Result<int64_t> LastSliceEnd(const std::string& account_id, const std::string& stream_id);
  Result<std::vector<SliceRow>> ListCycleSlices(const std::string& account_id,
                                                const std::string& cycle_id);
  Result<std::vector<SliceRow>> ListStreamSlices(const std::string& account_id,
                                                 const std::string& stream_id, int64_t from_ms,
                                                 int64_t to_ms);

 private:
  SqlDatabase& db_;
  const Clock& clock_;
  RandomSource& random_;
};

}  // namespace liverec::metadata
