// LiveRecording: the StreamObserver of every publish (recorded or not). It owns the publish's
// recording, if any, and carries out what its LiveControl decides (RealTimeRecordCommand, the
// config's time window, automatic and on-demand starts) on the connection's I/O thread:
//  - at each packet it takes the control's queued effects, in order: start a recording (built by
//    `start`: a StreamRecorder, or an OnDemandGate in front of one), stop it (its files wait
//    DelayTime), or close the stream's files now (`close_files_now` posts that to the stream's
//    serial worker, after the work the stopped recording posted there);
//  - with a time window it compares the clock with the window at each packet: the window's start
//    starts automatic recording (once), its end stops whatever records and closes the files.
// A recording started mid-stream begins at the next video keyframe. When the publisher leaves,
// queued effects other than starts are carried out, the recording ends (files wait DelayTime),
// and the control answers no more commands.
// Thread-safety: none; the connection's I/O thread owns it (the control is the shared part).
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "base/clock.h"
#include "ingest/stream_observer.h"
#include "recorder/live_control.h"

namespace liverec::recorder {

struct RecordWindow {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  metadata::RecordConfig config;  // what starts when the window opens
  bool on_demand = false;         // ask OnDemandUrl first (OnDemand=1)
  bool opened = false;            // recording started (or was due) already
};

class LiveRecording final : public ingest::StreamObserver {
 public:
  using Start = std::function<std::unique_ptr<ingest::StreamObserver>(const TaskEffect& effect)>;

  LiveRecording(std::shared_ptr<LiveControl> control, Start start,
                std::function<void()> close_files_now, const Clock& clock,
                std::optional<RecordWindow> window, std::function<void()> on_end);
  ~LiveRecording() override;

  void OnMedia(const media::MediaPacket& packet, const std::optional<media::CodecConfig>& video,
               const std::optional<media::CodecConfig>& audio) override;
  void OnEnd() override;

  bool RecordingForTest() const { return inner_ != nullptr; }

 private:
  void CheckWindow();
  void Apply(bool ending);

  std::shared_ptr<LiveControl> control_;
  Start start_;
  std::function<void()> close_files_now_;
  const Clock& clock_;
  std::optional<RecordWindow> window_;
  std::function<void()> on_end_;
  std::unique_ptr<ingest::StreamObserver> inner_;
  bool ended_ = false;
};

}  // namespace liverec::recorder
