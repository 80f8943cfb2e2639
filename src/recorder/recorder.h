// Recorder: decides, when a stream is published, whether and how it is recorded (automatic
// mode: every configured format, m3u8/mp4/flv, over one set of TS slices), and builds
// its StreamRecorder. Also recovers the spool at start (slices closed before a crash are
// finished: stored and indexed for m3u8, held for MP4/FLV; a torn last slice is cut to whole TS
// packets, marked torn and kept; held slices no cycle uses are swept), announces stored files
// whose file_created a crash left unrecorded, and closes cycles whose DelayTime passed
// (composing their MP4/FLV from the held slices).
// On-demand configs (OnDemand=1) get an OnDemandGate that asks OnDemandUrl on a worker and
// starts the StreamRecorder only if told to (docs/recording.md).
// Every publish gets a LiveRecording with a LiveControl registered in LiveControls, so
// RealTimeRecordCommand can start, stop and restart its recording (OnDemand=7 configs wait for
// that), and a config's StartTime-EndTime window starts and stops it while it is live.
// Thread-safety: OnPublish from I/O threads (it reads the database once per publish);
// Recover and CloseExpiredCycles from worker threads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "ingest/stream_observer.h"
#include "metadata/record_config_repository.h"
#include "metadata/recording_repository.h"
#include "recorder/cycle_manager.h"
#include "recorder/live_controls.h"
#include "recorder/live_recording.h"
#include "recorder/on_demand_decider.h"
#include "recorder/recorder_metrics.h"
#include "recorder/recording_usage_meter.h"
#include "recorder/spool.h"
#include "recorder/stream_lanes.h"
#include "recorder/stream_recorder.h"

namespace liverec::recorder {

struct RecorderDependencies {
  metadata::RecordConfigRepository& record_configs;
  metadata::RecordingRepository& recordings;
  CycleManager& cycles;
  const Spool& spool;
  StoreLookup stores;
  const Clock& clock;
  RandomSource& random;
  std::function<SerialPost()> make_serial;  // a new serial executor (two per stream lane)
  int time_zone_minutes = 0;
  // Asks OnDemandUrl for OnDemand=1 configs (on a make_serial executor); null: such streams are
  // not recorded.
  OnDemandDecider* on_demand = nullptr;
  // Where each publish's LiveControl is registered for RealTimeRecordCommand (null: nowhere).
  LiveControls* live_controls = nullptr;
  // The executors the lanes' slices are finished (stored, indexed) on; null: make_serial.
  std::function<SerialPost()> make_upload_serial;
  // Retry backoff of slices that cannot be stored yet (StreamLanes).
  LaneOptions lanes;
  // Asked before a recording starts: a reason to refuse it (e.g. the spool is full and the
  // bucket unreachable), or nullopt. Null: every recording may start.
  std::function<std::optional<std::string>(const RecordingPlan&)> admit;
  // Told of every attempt to store a slice (/metrics); null: nobody.
  RecorderMetrics* metrics = nullptr;
  // In a cluster: the node's recording leases (kind "record"), which fence every write of a
  // stream's recording (docs/cluster.md "Stream ownership"); null on a single node. The
  // CycleManager must have the same (SetLeases).
  cluster::StreamLeases* recording_leases = nullptr;
  // What writes the TS slices ([recording] ts_muxer).
  media::ts::TsMuxerKind ts_muxer = media::ts::TsMuxerKind::kOwn;
  // Counts every recording's time (DescribeLiveDomainRecordUsageData); null: nothing counts.
  RecordingUsageMeter* usage = nullptr;
};

class Recorder final : public ingest::PublishListener {
 public:
  explicit Recorder(RecorderDependencies deps);

  std::unique_ptr<ingest::StreamObserver> OnPublish(const ingest::PublishInfo& info) override;

  // Queues what the spool holds on the streams' lanes, to be finished in order (see the class
  // comment), and closes the cycles that should have closed. Returns how many slices it queued.
  Result<int> Recover();

  // The streams' lanes and their backlogs (retries are driven by the server's timer).
  StreamLanes& lanes() { return lanes_; }

 private:
  // Queues the publish's automatic recording on `control` (the matching config with OnDemand 0
  // or 1, inside its time window) and returns the window still to come or in force, if any.
  std::optional<RecordWindow> PlanAutomatic(const ingest::PublishInfo& info, LiveControl& control);
  // The StreamRecorder of `config` (its formats as given) for this publish, posting its work to
  // the stream's `lane`; null on failure or when `admit` refuses it.
  std::unique_ptr<ingest::StreamObserver> StartRecording(const metadata::RecordConfig& config,
                                                         const ingest::PublishInfo& info,
                                                         std::shared_ptr<StreamLane> lane);
  // An OnDemandGate for task `task`, which starts StartRecording if OnDemandUrl says so and tells
  // `control` otherwise.
  std::unique_ptr<ingest::StreamObserver> GateOnDemand(const metadata::RecordConfig& config,
                                                       const ingest::PublishInfo& info,
                                                       std::shared_ptr<StreamLane> lane,
                                                       std::shared_ptr<LiveControl> control,
                                                       uint64_t task);

  // The UTC end of each stream's latest slice on this node, including slices not yet indexed.
  struct LastEnds {
    std::mutex mutex;
    std::map<std::string, int64_t> by_stream;
  };
  RecorderDependencies deps_;
  std::shared_ptr<LastEnds> last_ends_;
  StreamLanes lanes_;
};

}  // namespace liverec::recorder
