// SliceFinisher: completes closed spool slices of one stream, in order. Attaches the slice to the
// open cycle of every configured format (one set of slices serves them all). With m3u8: takes
// its {Sequence}, stores it in the bucket under the rendered SliceOssObjectPrefix (never
// overwriting) and indexes it in the m3u8 cycle. With MP4/FLV: records it as held by each of
// those cycles (held_slices) and moves it to the spool's held directory, where it stays until
// every cycle holding it has composed it; slices only MP4/FLV use are never indexed, nor stored
// in the bucket on a single node. Otherwise the slice leaves the spool. A slice that cannot be
// finished stays in the spool for the next start to retry (every step is idempotent). In a cluster
// a slice MP4/FLV cycles hold is also staged in the bucket (slice_staging.h), so any node can
// compose them. A publish's Begin comes before its slices and claims the cycles it continues; its
// End releases them. In a cluster (`leases`), the publish's writes are fenced by the stream's
// recording lease (docs/cluster.md "Stream ownership"): Begin takes it (the first Finish, for a
// recovered stream) and End frees it; while another live node holds it they fail with LeaseHeld and
// the lane retries. In a cluster each slice's intent (slice_intents.h) is written before its
// objects and deleted after its index rows; taking a stream's lease afresh settles the intents a
// node that lost the stream left. A write the fence refuses (LeaseLost: another node took the
// stream over while this one was paused or cut off) fails this recording alone: its slices are set
// aside, never written into the cycle the other node now records, and a slice it stored just before
// is deleted again — unless the other node let the lease go again (it closed the cycles that had no
// activity while this node was cut off): then this node takes the lease anew and the recording
// goes on in new cycles. While the other node still holds it for that, and this publish still
// holds the stream (`publishing`), the slice waits (LeaseHeld: the lane retries). Thread-safety:
// calls for one stream must be serialized (a strand); blocks (database, disk).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "metadata/recording_repository.h"
#include "metadata/slice_intent_repository.h"
#include "recorder/cycle_manager.h"
#include "recorder/recorder_metrics.h"
#include "recorder/spool.h"

namespace liverec::recorder {

class SliceFinisher {
 public:
  // `metrics` (may be null) is told of every attempt to store a slice.
  // `leases` (null on a single node): the node's recording leases.
  // `publishing` (null for a recovered stream): whether this publish still holds the stream
  // cluster-wide (its publish lease was not taken over); any thread.
  SliceFinisher(metadata::RecordingRepository& recordings, CycleManager& cycles, StoreLookup stores,
                const Spool& spool, const Clock& clock, RecorderMetrics* metrics = nullptr,
                cluster::StreamLeases* leases = nullptr, std::function<bool()> publishing = nullptr)
      : recordings_(recordings),
        cycles_(cycles),
        stores_(std::move(stores)),
        spool_(spool),
        clock_(clock),
        metrics_(metrics),
        leases_(leases),
        publishing_(std::move(publishing)),
        intents_(recordings.database()) {}

  // A publish of `plan` begins at `publish_ms`, before its first slice: claims the open cycles
  // it continues (CycleManager::BeginPublish), which End() then releases even if no slice came.
  Status Begin(const RecordingPlan& plan, int64_t publish_ms);
  // Before `slice`'s closed sidecar is written: takes its {Sequence} (m3u8) now, so that the one
  // sidecar write of the close keeps it too (a failure leaves it to Finish). Any thread: it only
  // reads Failed() and takes a number from the database (the close runs beside the lane's drain).
  void NumberAtClose(SpoolSlice& slice);
  // `slice` must be closed (its .ts exists) or be a recovered torn slice made whole.
  Status Finish(SpoolSlice& slice);
  // The publisher left: the current cycles start waiting DelayTime.
  Status End();
  // The bucket refused `slice` for good (storage::IsPermanentStorageError), the stream's lease was
  // lost (LeaseLost), or this recording failed already: the recording fails alone. The slice is set
  // aside in the spool's failed/ (kept, not retried); the first time, the failure is logged,
  // counted and told to the events
  // ("error", with the reason), and Failed() turns true so the stream stops cutting slices.
  void Fail(SpoolSlice& slice, const Status& why);
  // Whether this publish's recording failed (any thread).
  bool Failed() const { return failed_.load(); }
  // After End() for a publisher that left (not for a recovered stream): tells the events.
  void AnnounceLeave(const RecordingPlan& plan) { cycles_.AnnounceLeave(plan); }

 private:
  // One attempt of Finish.
  Status FinishOnce(SpoolSlice& slice);
  Status Store(SpoolSlice& slice, storage::ObjectStore& store,
               const metadata::RecordCycleRow& cycle, bool retry);
  // The first attempt of an m3u8 slice takes its {Sequence} (kept in its sidecar).
  Status TakeSequence(SpoolSlice& slice);
  Status Hold(const SpoolSlice& slice, const metadata::RecordCycleRow& cycle,
              storage::ObjectStore& store);
  // In a cluster: takes the stream's recording lease unless this publish holds it already.
  Status TakeLease(const RecordingPlan& plan);
  // After the lease was lost (`lost_`): takes it anew if the other node let it go. While another
  // node holds it and this publish still holds the stream, LeaseHeld (the lane retries: the other
  // node holds it only while it closes the cycles it found left); otherwise `lost_`.
  Status TakeLeaseAgain(const SpoolSlice& slice);
  const metadata::Fence* fence() const { return fence_ ? &*fence_ : nullptr; }
  bool Clustered() const { return leases_ != nullptr; }

  metadata::RecordingRepository& recordings_;
  CycleManager& cycles_;
  StoreLookup stores_;
  const Spool& spool_;
  const Clock& clock_;
  RecorderMetrics* metrics_;
  cluster::StreamLeases* leases_;
  std::function<bool()> publishing_;
  metadata::SliceIntentRepository intents_;  // used in a cluster only
  std::optional<metadata::Fence> fence_;     // the lease held (on the lane only)
  // The lease was lost and no slice finished since: a slice goes into no cycle with later media.
  bool after_loss_ = false;
  Status lost_;                // why the lease was lost (with after_loss_)
  bool told_waiting_ = false;  // the wait for the other node to let the lease go was logged
  std::string account_id_;
  std::map<std::string, std::string> cycle_ids_;  // format -> current cycle
  std::atomic<bool> failed_{false};
  std::string failure_;  // why (set with failed_, on the lane)
};

}  // namespace liverec::recorder
