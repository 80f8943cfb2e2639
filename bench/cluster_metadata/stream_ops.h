// StreamOps: the metadata writes of one recorded stream, in the order and with the repository
// calls of the recorder (src/recorder/slice_finisher.cc, cycle_manager.cc,
// cycle_composition.cc, cycle_announcements.cc) and of the publish path, without the media,
// the spool or the bucket:
// - Slice: optionally one fenced transaction (CheckFence of the stream's lease: what stream
//   ownership adds to every recording write), then per format Attach (FindOpenCycle; a full
//   cycle is closed and the next opened), and for m3u8 TakeSequence, InsertSlice, TouchCycle,
//   for MP4 InsertHeldSlice, TouchCycle.
// - m3u8 close: the playlist's index-file lookup, ListCycleSlices, the index-file row,
//   file_created into the outbox, MarkAnnounced, CloseCycle; MP4 close: ListHeldSlices,
//   ListCycleRecordFiles, the record-file row, file_created, MarkRecordFileAnnounced,
//   DeleteHeldSlices, CountHeldSliceUses per held slice, CloseCycle. Then the next cycle:
//   TakeSequence, InsertCycle.
// - Republish (the publisher leaves and comes back within DelayTime): SetCycleLive(false) per
//   cycle, the lease released, publish_done and record_paused; then the lease acquired (a new
//   epoch), EnsureStream, per format FindOpenCycle (+ the playlist lookup for m3u8) and
//   SetCycleLive(true), publish and record_resumed.
// Each is recorded in the OpLog with its latency (a slice's without the closes it caused).
// Thread-safety: one call per stream at a time (the caller's schedule guarantees it).
#pragma once

#include "metadata/rows.h"
#include "node_repos.h"
#include "op_log.h"
#include "sim_options.h"
#include "world.h"

namespace liverec::bench {

class StreamOps {
 public:
  StreamOps(NodeRepos& repos, const Clock& clock, const SimOptions& options, const World& world,
            OpLog& log)
      : r_(repos), clock_(clock), o_(options), world_(world), log_(log) {}

  // The slice of `s` that ends at `end_ms`.
  void Slice(StreamState& s, int64_t end_ms);
  void Republish(StreamState& s);

 private:
  // The cycle the slice starting at `start_ms` goes into; closes a full one (and adds the close's
  // time to `closing_ms`).
  Result<metadata::RecordCycleRow> Attach(StreamState& s, const std::string& format,
                                          int64_t start_ms, double& closing_ms);
  Status Close(const StreamState& s, const metadata::RecordCycleRow& cycle);
  Status CloseM3u8(const StreamState& s, const metadata::RecordCycleRow& cycle, std::string& key);
  Status CloseMp4(const StreamState& s, const metadata::RecordCycleRow& cycle, std::string& key);
  Result<metadata::RecordCycleRow> Open(const StreamState& s, const std::string& format);
  Status SliceWrites(StreamState& s, int64_t start_ms, int64_t end_ms, double& closing_ms);
  Status Unpublish(StreamState& s);
  Status Publish(StreamState& s);
  Status Enqueue(const StreamState& s, const std::string& kind, const std::string& id = "");

  NodeRepos& r_;
  const Clock& clock_;
  const SimOptions& o_;
  const World& world_;
  OpLog& log_;
};

}  // namespace liverec::bench
