// CycleManager: the record cycles of every stream of this node, one per (stream, config, format):
// an m3u8, MP4 or FLV recording file each (MP4/FLV: more than one when the codec or picture size
// changes). Attaches slices to the open cycle of their stream, config and format (continuing it
// across a short interruption), starts a new cycle when the format's CycleDuration is reached,
// and closes cycles: m3u8 writes the playlist (relative segment URIs, #EXT-X-ENDLIST); MP4/FLV
// composes the cycle's held spool slices (cycle_composition.cc) and then deletes the slices no
// other cycle holds. Files go to the bucket under the format's rendered OssObjectPrefix, never
// overwriting an object, and each stored file is told to RecordingEvents: its row is written
// unannounced and marked once the events took it, and AnnouncePending tells them again about every
// row left unannounced by a crash or a failed call (cycle_announcements.cc). Closing is
// idempotent: a cycle closed again after a crash reuses the files and rows already stored. Cycles
// without a publisher close DelayTime after their last activity (CloseExpired, run periodically
// and at start).
// In a cluster (SetLeases) a stream's cycles are written only under its recording lease
// (docs/cluster.md "Stream ownership"): the publish's SliceFinisher holds it and passes its fence
// to BeginPublish, Attach and Detach; CloseExpired and CloseStreamNow take it themselves (and
// skip a stream another live node holds), so a cycle is closed by one node, once, including the
// cycles of a node that died (its live cycles count as left at their last activity).
// Thread-safety: any worker thread; cycle changes are serialized by one mutex. Blocks on the
// database and the bucket: never call from an I/O thread.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/random.h"
#include "cluster/stream_leases.h"
#include "metadata/index_file_repository.h"
#include "metadata/recording_repository.h"
#include "recorder/recording_events.h"
#include "recorder/recording_plan.h"
#include "recorder/spool.h"
#include "storage/object_store.h"

namespace liverec::recorder {

// The store of bucket (endpoint, name), or nullptr when it is not declared (any more).
using StoreLookup =
    std::function<storage::ObjectStore*(const std::string& endpoint, const std::string& bucket)>;

// Stores `bytes_or_file` under the rendered key, trying `<key>_1<ext>`, `<key>_2<ext>`, ... when
// an object already has the name (an object is never overwritten). Returns the key used.
Result<std::string> PutWithoutOverwrite(const std::string& key_without_extension,
                                        const std::string& extension,
                                        const std::function<Status(const std::string& key)>& put);

// What the key of an MP4/FLV cycle's part `part` adds to the rendered name, before any `_N` of a
// taken name: nothing for the first part (0), `_p<part>` for the others, so the files of one cycle
// have distinct names by construction (docs/object-keys.md).
std::string PartSuffix(int64_t part);

// An object this node stored for a stream whose index row the fence then refused (another node
// took the stream over meanwhile): deleted, so the bucket holds no file the index does not know.
void DeleteStaleObject(storage::ObjectStore& store, const std::string& key, const Status& why);

// The name of a stream's recording lease (kind "record"): "<account id>/<stream id>".
std::string RecordLeaseName(const std::string& account_id, const std::string& stream_id);

class CycleManager {
 public:
  // `index_files` (optional) gets a record for every closed cycle's playlist; `events`
  // (optional) is told about every stored file.
  CycleManager(metadata::RecordingRepository& recordings, StoreLookup stores, const Spool& spool,
               const Clock& clock, RandomSource& random,
               metadata::IndexFileRepository* index_files = nullptr,
               RecordingEvents* events = nullptr)
      : recordings_(recordings),
        stores_(std::move(stores)),
        spool_(spool),
        clock_(clock),
        random_(random),
        index_files_(index_files),
        events_(events) {}

  // Set before recording starts (not synchronized).
  void SetEvents(RecordingEvents* events) { events_ = events; }
  // In a cluster: the node's recording leases (kind "record"). Set before recording starts (not
  // synchronized); none set: a single node, nothing fenced.
  void SetLeases(cluster::StreamLeases* leases) { leases_ = leases; }
  // Whether a stream (metadata stream id) still has slices waiting to be finished: its cycles
  // are not closed while it does (their files would miss those slices). Set before recording
  // starts (not synchronized); none set: never.
  void SetBacklogCheck(std::function<bool(const std::string& stream_id)> has_backlog) {
    has_backlog_ = std::move(has_backlog);
  }

  // A publish of `plan` begins (its recording starts at `publish_ms`), before any of its slices:
  // every format's open cycle whose publisher left less than DelayTime before `publish_ms` is
  // claimed for it (marked live, so CloseExpired leaves it alone however long the first slice
  // takes) and returned; an open cycle past its DelayTime or its CycleDuration is closed now, so
  // the publish starts new files. Then tells the events "resumed" when a cycle continues,
  // otherwise "started". Idempotent (a retry claims the same cycles); the events are told only
  // once everything else succeeded. Blocks (database, composing a closed cycle). `fence`: the
  // stream's recording lease in a cluster (null on a single node), carried by every write.
  Result<std::vector<metadata::RecordCycleRow>> BeginPublish(
      const RecordingPlan& plan, int64_t publish_ms, const metadata::Fence* fence = nullptr);
  // Tells the events the publisher left ("paused").
  void AnnounceLeave(const RecordingPlan& plan);
  // Tells the events a recording of `plan` could not start ("error", with the reason).
  void AnnounceError(const RecordingPlan& plan, const std::string& reason);

  // The `format` cycle a slice starting at `slice_start_ms` belongs to; marks it live. May close
  // the previous cycle (CycleDuration reached), which for MP4/FLV composes it.
  Result<metadata::RecordCycleRow> Attach(const RecordingPlan& plan, const std::string& format,
                                          int64_t slice_start_ms,
                                          const metadata::Fence* fence = nullptr);
  // The publisher left: the cycle waits DelayTime for it.
  Status Detach(const std::string& account_id, const std::string& cycle_id,
                const metadata::Fence* fence = nullptr);
  // Closes every cycle without a publisher whose DelayTime has passed.
  Status CloseExpired();
  // Closes every open cycle of the stream now, without waiting DelayTime (RealTimeRecordCommand
  // cancel_delay and restart, a time window's end). Call after the stream's recording ended.
  Status CloseStreamNow(const std::string& account_id, const std::string& stream_id);
  // At start: deletes held spool slices no cycle holds (a crash after composing) and leftovers
  // of compositions.
  Status SweepSpool();
  // Tells the events about every stored file whose row is unannounced (a crash between the row
  // and the mark, or a call that failed) and marks it. Run at start (Recorder::Recover); after a
  // failed call CloseExpired runs it again kAnnounceRetryMs later. Each file that cannot be
  // announced is logged (and stays unannounced); an error only when the rows cannot be read.
  Status AnnouncePending();
  static constexpr int64_t kAnnounceRetryMs = 60'000;

 private:
  Status CloseLocked(const metadata::RecordCycleRow& cycle, const metadata::Fence* fence);
  // CloseExpired for one cycle: closes it if it is due (in a cluster: under the stream's
  // recording lease, unless another live node holds that). Not due or held elsewhere: OK.
  Status CloseIfDueLocked(const metadata::RecordCycleRow& cycle, int64_t now);
  // BeginPublish for one open cycle: whether the publish continues it (else it is closed now).
  Result<bool> ClaimLocked(const RecordingPlan& plan, const metadata::RecordCycleRow& cycle,
                           int64_t publish_ms, const metadata::Fence* fence);
  Result<metadata::RecordCycleRow> OpenLocked(const RecordingPlan& plan, const std::string& format,
                                              const metadata::Fence* fence);
  Status ClosePlaylistLocked(const metadata::RecordCycleRow& cycle, const RecordingPlan& plan,
                             std::string& key, const metadata::Fence* fence);
  // Whether an open m3u8 cycle's playlist is stored already (a crash interrupted its close).
  Result<bool> PlaylistStoredLocked(const metadata::RecordCycleRow& cycle);
  // cycle_composition.cc: MP4/FLV.
  Status CloseComposedLocked(const metadata::RecordCycleRow& cycle, const RecordingPlan& plan,
                             std::string& first_key, const metadata::Fence* fence);
  Result<metadata::RecordFileRow> ComposePartLocked(const metadata::RecordCycleRow& cycle,
                                                    const RecordingPlan& plan,
                                                    const std::vector<metadata::HeldSliceRow>& held,
                                                    const std::vector<std::string>& held_paths,
                                                    size_t begin, int64_t part,
                                                    const metadata::Fence* fence);
  // The file to compose a held slice from: the spool's copy, else (in a cluster) its staged
  // copy fetched from the bucket into FetchedDir; "" when neither exists.
  Result<std::string> HeldSliceFileLocked(const metadata::RecordCycleRow& cycle,
                                          const RecordingPlan& plan,
                                          const metadata::HeldSliceRow& held);
  std::string FetchedDir(const metadata::RecordCycleRow& cycle) const;
  // Deletes the spool copy (and, in a cluster, the staged object in `store`) of every slice no
  // cycle holds any more.
  void ReleaseHeldLocked(const std::vector<metadata::HeldSliceRow>& held,
                         storage::ObjectStore* store);
  // cycle_announcements.cc: tells the events about a stored file whose row is unannounced and
  // marks the row; true when both happened. A failure is logged and schedules AnnouncePending.
  bool AnnounceLocked(const RecordingPlan& plan, const metadata::IndexFileRow& playlist);
  bool AnnounceLocked(const RecordingPlan& plan, const metadata::RecordFileRow& file);
  bool TellLocked(const CreatedFile& file, const std::function<Status()>& mark);
  Status AnnouncePendingLocked();
  Result<RecordingPlan> PlanOfCycle(const std::string& account_id, const std::string& cycle_id);

  metadata::RecordingRepository& recordings_;
  StoreLookup stores_;
  const Spool& spool_;
  const Clock& clock_;
  RandomSource& random_;
  metadata::IndexFileRepository* index_files_;
  RecordingEvents* events_;
  cluster::StreamLeases* leases_ = nullptr;
  std::function<bool(const std::string& stream_id)> has_backlog_;
  std::mutex mutex_;
  std::map<std::string, int64_t> retry_after_ms_;  // cycles that failed to close, and when to retry
  std::optional<int64_t> announce_retry_ms_;  // when to run AnnouncePending after a failed call
};

}  // namespace liverec::recorder
