// RelayPipeline: one relay attempt's media path, without any scheduling — open the source,
// push it to the RTMP destination by stream copy, until it fails, finishes or is stopped.
//
//   live source (rtmp, http-flv, hls, srt): read as packets arrive; the source ending is a
//     failure (PullStreamFailed), since a live relay has no natural end.
//   url source: the files play in PlaylistCursor order, each opened afresh, the first seeked
//     to Offset; packets are paced at wall-clock speed (RealtimePacer) and stitched into one
//     timeline (TimestampStitcher), so the destination sees one continuous stream. A file
//     whose codecs differ from the first file's (H.264 vs something else, AAC vs MP3) fails
//     the attempt with PullStreamFailed; the same codecs with other parameters (resolution,
//     sample rate: new SPS/PPS or AudioSpecificConfig) are pushed, announced by a new FLV
//     sequence header (AV_PKT_DATA_NEW_EXTRADATA). Streams a later file has and the first did
//     not are ignored (FLV cannot add a stream once the header is out).
//
// Failures: PullStreamFailed (source open/probe/read error or timeout, unusable codec, live
// source ended), PushStreamFailed (destination connect/publish/write error or timeout).
// Retries are the scheduler's business: a pipeline runs exactly one attempt.
//
// Threads: Start() runs the attempt on a thread of its own — a relay is I/O-bound and
// libavformat's I/O is blocking, so one thread per running relay is the simple, honest model
// (a few hundred relays fit in a few hundred mostly sleeping threads). The thread blocks in
// libavformat or in the pacer, never spins.
// Thread-safety: Start/RequestStop/Join/Done/Status may be called from any thread; Start and
// Join once each. The listener runs on the pipeline thread, never under a lock of ours, and
// never after Join() returns. RequestStop() makes a blocked open/read/write/sleep give up
// within about 100 ms; no failure is reported for a stopped attempt.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "relay/worker/av_source.h"
#include "relay/worker/flv_push_output.h"
#include "relay/worker/playlist_cursor.h"
#include "relay/worker/realtime_pacer.h"
#include "relay/worker/relay_error.h"
#include "relay/worker/relay_spec.h"
#include "relay/worker/rtmp_endpoint.h"
#include "relay/worker/stop_signal.h"
#include "relay/worker/timestamp_stitcher.h"

namespace liverec::relay::worker {

class RelayPipeline {
 public:
  enum class State { kIdle, kConnecting, kRunning, kFinished, kFailed, kStopped };

  struct Event {
    enum class Kind {
      kRunning,       // source and destination open, header sent (once)
      kProgress,      // position moved (about once a second)
      kFailed,        // the attempt is over: `error`
      kFinished,      // url source: playlist and repeats done
      kItemSwitched,  // url source: the next file (or the next pass's first) is open and
                      // about to be pushed; `position` names it (not sent for the first file)
    };
    Kind kind = Kind::kRunning;
    RelayError error;
    PlaylistPosition position;  // url: current file and remaining repeats
    double offset_s = 0;        // url: seconds into the current file; live: seconds relayed
  };
  using Listener = std::function<void(const Event&)>;

  struct Snapshot {
    State state = State::kIdle;
    PlaylistPosition position;
    double offset_s = 0;
    int64_t packets = 0;    // packets written to the destination
    int64_t dts_fixes = 0;  // packets whose DTS was clamped to keep it monotonic
    int64_t reanchors = 0;  // clock jumps of the source that were smoothed over
    RelayError error;       // kFailed only
  };

  // A refused spec (SpecFromJob's error) makes an attempt that fails at once with that error,
  // reported on the pipeline thread like any other failure.
  RelayPipeline(RelayResult<RelaySpec> spec, Listener listener);
  ~RelayPipeline();  // RequestStop() + Join()
  RelayPipeline(const RelayPipeline&) = delete;
  RelayPipeline& operator=(const RelayPipeline&) = delete;

  void Start();
  void RequestStop() { stop_.Request(); }
  // url sources: after the current pass, `remaining` more full passes (-1 forever); takes
  // effect at the next file boundary and shows in the next event.
  void SetRemainingRepeats(int remaining);
  void Join();
  bool Done() const { return done_.load(); }
  Snapshot Status() const;

 private:
  struct Route;  // which input stream goes to which output stream, for one input
  struct PacketFree {
    void operator()(AVPacket* packet) const { av_packet_free(&packet); }
  };
  using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;

  void Run();
  RelayResult<void> RelayLive();
  // RelayLive through RtmpRelay (rtmp → rtmp, liverec's own RTMP client).
  RelayResult<void> RelayRtmp(const RtmpEndpoint& source, const std::string& url);
  RelayResult<void> RelayPlaylist();
  RelayResult<int64_t> PlayInput(AvSource& source, int64_t offset_s);
  struct ParametersFree {
    void operator()(AVCodecParameters* p) const { avcodec_parameters_free(&p); }
  };
  using ParametersPtr = std::unique_ptr<AVCodecParameters, ParametersFree>;

  // spec_.admit and spec_.gate of `url`: how to open it, or a PullStreamFailed (source) or
  // PushStreamFailed refusal.
  RelayResult<egress::ConnectPlan> Prepare(const std::string& url, bool is_source) const;
  RelayResult<Route> RouteStreams(const AvSource& source, const std::vector<PacketPtr>& primed);
  // A copy of the source's AAC parameters with the AudioSpecificConfig of its first primed ADTS
  // frame, or null when the source's parameters need nothing added.
  RelayResult<ParametersPtr> AudioParametersWithConfig(const AvSource& source,
                                                       const std::vector<PacketPtr>& primed);
  RelayResult<void> Prime(AvSource& source, std::vector<PacketPtr>* packets, bool* ended);
  RelayResult<void> Send(AVPacket* packet, const AvSource& source, Route& route);
  std::optional<int> TakeNewRemainingRepeats();
  void NoteProgress(double offset_s, int64_t packets = 1);
  void NoteItemSwitch();
  void SetState(State state, const RelayError& error = {});
  void Emit(Event::Kind kind, const RelayError& error = {});

  const RelaySpec spec_;
  const std::optional<RelayError> refused_;
  const Listener listener_;
  StopSignal stop_;
  std::thread thread_;
  std::atomic<bool> done_{false};
  mutable std::mutex mutex_;
  Snapshot snapshot_;                         // guarded by mutex_
  std::optional<int> new_remaining_repeats_;  // guarded by mutex_

  // Pipeline thread only.
  std::unique_ptr<FlvPushOutput> output_;
  TimestampStitcher stitcher_{2};
  RealtimePacer pacer_{stop_};
  PlaylistPosition position_;
  std::vector<int64_t> last_input_dts_us_ = {0, 0};
  std::chrono::steady_clock::time_point last_progress_{};
};

}  // namespace liverec::relay::worker
