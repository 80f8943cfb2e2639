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
// Closing has two steps (docs/recording.md "Closing a cycle"): under its stream's lock a cycle is
// marked closing (state closing: no slice joins it any more, a returning publisher starts a new
// one); then its files are written on the close executor, off the slices' path and under no lock
// that another stream waits for. A cycle is closed by one task at a time; a crash leaves it
// closing, and the next CloseExpired (at start) closes it at once.
// In a cluster (SetLeases) a stream's cycles are written only under its recording lease
// (docs/cluster.md "Stream ownership"): the publish's SliceFinisher holds it and passes its fence
// to BeginPublish, Attach and Detach; closes take it themselves (shared with a publish of this
// node; a stream another live node holds is skipped), so a cycle is closed by one node, once,
// including the cycles of a node that died (its live cycles count as left at their last activity).
// Thread-safety: any worker thread. Calls for one stream are serialized by that stream's lock
// (database work only); closes of different cycles run in parallel. Blocks on the database (and,
// closing inline, the bucket): never call from an I/O thread.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/keyed_mutex.h"
#include "base/random.h"
#include "cluster/stream_leases.h"
#include "media/compose/compose_muxer.h"
#include "metadata/index_file_repository.h"
#include "metadata/recording_repository.h"
#include "metadata/slice_intent_repository.h"
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

// The name of a stream's recording lease (kind "record"): "<account id>/<stream id>"; also the key
// of the stream's lock in CycleManager.
std::string RecordLeaseName(const std::string& account_id, const std::string& stream_id);

// Runs a task somewhere else, later (a thread pool).
using CloseExecutor = std::function<void(std::function<void()>)>;

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
        events_(events),
        intents_(recordings.database()) {}

  // Set before recording starts (not synchronized).
  void SetEvents(RecordingEvents* events) { events_ = events; }
  // Where cycles marked closing have their files written: a pool apart from the slices' lanes.
  // Its tasks must be run or dropped before this manager is destroyed (a dropped task leaves its
  // cycle closing, for the next CloseExpired or start). Set
  // before recording starts (not synchronized); none set: on the calling thread, once its stream's
  // lock is released (tests).
  void SetCloseExecutor(CloseExecutor executor) { close_executor_ = std::move(executor); }
  // Who writes MP4 cycle files ([recording] mp4_writer). Set before recording starts (not
  // synchronized); default liverec's own writer.
  void SetMp4Writer(media::compose::Mp4Writer writer) { mp4_writer_ = writer; }
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
  // takes) and returned; an open cycle past its DelayTime or its CycleDuration is marked closing
  // and handed to the close executor, so the publish starts new files. Then tells the events
  // "resumed" when a cycle continues, otherwise "started". Idempotent (a retry claims the same
  // cycles); the events are told only once everything else succeeded. Blocks (database).
  // `fence`: the stream's recording lease in a cluster (null on a single node), carried by every
  // write.
  Result<std::vector<metadata::RecordCycleRow>> BeginPublish(
      const RecordingPlan& plan, int64_t publish_ms, const metadata::Fence* fence = nullptr);
  // Tells the events the publisher left ("paused").
  void AnnounceLeave(const RecordingPlan& plan);
  // Tells the events a recording of `plan` could not start ("error", with the reason).
  void AnnounceError(const RecordingPlan& plan, const std::string& reason);

  // The `format` cycle a slice starting at `slice_start_ms` belongs to; marks it live. When the
  // open cycle reached its CycleDuration it is marked closing, handed to the close executor (the
  // slice does not wait for its playlist or composition) and a new cycle opens.
  Result<metadata::RecordCycleRow> Attach(const RecordingPlan& plan, const std::string& format,
                                          int64_t slice_start_ms,
                                          const metadata::Fence* fence = nullptr);
  // The publisher left: the cycle waits DelayTime for it.
  Status Detach(const std::string& account_id, const std::string& cycle_id,
                const metadata::Fence* fence = nullptr);
  // Closes every cycle without a publisher whose DelayTime has passed, and every cycle left
  // closing (a crash, a failed close after its retry time): marks them closing and hands them to
  // the close executor. Without an executor the closes run here, and the first error is returned.
  Status CloseExpired();
  // Closes every open cycle of the stream now, without waiting DelayTime (RealTimeRecordCommand
  // cancel_delay and restart, a time window's end): marks them closing (a publish after this call
  // starts new files) and hands them to the close executor. Call after the stream's recording
  // ended. An error when they cannot be marked (or, without an executor, closed).
  Status CloseStreamNow(const std::string& account_id, const std::string& stream_id);
  // At start: deletes held spool slices no cycle holds (a crash after composing) and leftovers
  // of compositions (it waits for compositions running now).
  Status SweepSpool();
  // Tells the events about every stored file whose row is unannounced (a crash between the row
  // and the mark, or a call that failed) and marks it. Run at start (Recorder::Recover); after a
  // failed call CloseExpired runs it again kAnnounceRetryMs later. Each file that cannot be
  // announced is logged (and stays unannounced); an error only when the rows cannot be read.
  Status AnnouncePending();
  static constexpr int64_t kAnnounceRetryMs = 60'000;
  // A close that failed (the bucket or the database down) is tried again this much later.
  static constexpr int64_t kCloseRetryMs = 60'000;

 private:
  // Writes the files of `cycle` and marks it closed. The caller holds the cycle's claim and a
  // shared compose gate.
  Status CloseLocked(const metadata::RecordCycleRow& cycle, const metadata::Fence* fence);
  // Closes the cycle marked closing whose claim `claim` is: reads it again (closed already: OK)
  // and writes its files. On failure the cycle waits kCloseRetryMs for the next try.
  Status CloseClaimed(const metadata::RecordCycleRow& listed, const metadata::Fence* fence);
  // A close task: in a cluster under the stream's recording lease (taken, or shared with a
  // publish of this node); a stream another live node holds is left to it.
  Status CloseWithLease(const metadata::RecordCycleRow& cycle);
  // Logs that `cycle_id` could not be closed and leaves it for kCloseRetryMs.
  void RetryCloseLater(const std::string& cycle_id, const Status& why);
  // Closes `cycles` (marked closing) on the close executor, each unless a task has it already;
  // without an executor here, returning the first error.
  Status CloseOrHandOver(const std::vector<metadata::RecordCycleRow>& cycles);
  // CloseExpired for one cycle: marks it closing if it is due (in a cluster: under the stream's
  // recording lease, unless another live node holds that) and returns true when it is closing.
  Result<bool> MarkIfDue(const metadata::RecordCycleRow& cycle, int64_t now);
  // In a cluster: takes the stream's recording lease (shared if this node holds it); taken
  // afresh, the slice intents a node that lost the stream left are settled first.
  Result<metadata::Fence> TakeLease(const std::string& account_id, const std::string& stream_id);
  // BeginPublish for one open cycle: whether the publish continues it (else it is marked closing
  // and added to `closing`).
  Result<bool> ClaimLocked(const RecordingPlan& plan, const metadata::RecordCycleRow& cycle,
                           int64_t publish_ms, const metadata::Fence* fence,
                           std::vector<metadata::RecordCycleRow>& closing);
  Result<metadata::RecordCycleRow> OpenLocked(const RecordingPlan& plan, const std::string& format,
                                              const metadata::Fence* fence);
  Status ClosePlaylistLocked(const metadata::RecordCycleRow& cycle, const RecordingPlan& plan,
                             std::string& key, const metadata::Fence* fence);
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
  Status AnnouncePendingNow();
  Result<RecordingPlan> PlanOfCycle(const std::string& account_id, const std::string& cycle_id);

  metadata::RecordingRepository& recordings_;
  StoreLookup stores_;
  const Spool& spool_;
  const Clock& clock_;
  RandomSource& random_;
  metadata::IndexFileRepository* index_files_;
  RecordingEvents* events_;
  cluster::StreamLeases* leases_ = nullptr;
  metadata::SliceIntentRepository intents_;  // in a cluster: settled when taking a stream over
  std::function<bool(const std::string& stream_id)> has_backlog_;
  CloseExecutor close_executor_;
  media::compose::Mp4Writer mp4_writer_ = media::compose::Mp4Writer::kOwn;
  KeyedMutex streams_;              // "<account>/<stream>": attaching, claiming, marking closing
  KeyedMutex cycle_claims_;         // cycle id: the one task closing or announcing that cycle now
  std::shared_mutex compose_gate_;  // compositions (shared) against SweepSpool (exclusive)
  std::mutex state_mutex_;          // the two members below
  std::map<std::string, int64_t> retry_after_ms_;  // cycles that failed to close, and when to retry
  std::optional<int64_t> announce_retry_ms_;  // when to run AnnouncePending after a failed call
};

}  // namespace liverec::recorder
