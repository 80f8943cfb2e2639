// OnDemandGate: the StreamObserver of a publish under an OnDemand=1 record config
// (docs/recording.md, On-demand recording).
// It holds the stream back until the on-demand decision is known, without ever blocking the
// I/O thread:
//
//  1. It watches the first second of video (media time) to learn the codec and measure the
//     video bitrate, then calls `ask` once with them; `ask` runs the decision elsewhere (the
//     Recorder posts OnDemandDecider::Decide to a worker) and hands the result to `deliver`,
//     from any thread. An audio-only stream is asked after its first second of audio, with an
//     empty codec and vbitrate 0. A publish shorter than that is never asked.
//  2. Until the decision arrives it keeps only the packets since the latest video keyframe (at
//     most kMaxHeldBytes), dropping older ones.
//  3. When a packet arrives after the decision: "record" calls `start` (on this thread) for the
//     real recorder, replays the held packets — so the recording begins at the keyframe before
//     the decision — and forwards everything after; "don't record" discards the stream.
// Thread-safety: the I/O thread owns the gate (as any StreamObserver); `deliver` may be called
// from any thread, also after the gate is gone.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ingest/stream_observer.h"
#include "recorder/on_demand_decider.h"

namespace liverec::recorder {

class OnDemandGate final : public ingest::StreamObserver {
 public:
  using Deliver = std::function<void(OnDemandDecision)>;
  using Ask = std::function<void(const std::string& codec, int64_t vbitrate_kbps, Deliver deliver)>;
  using Start = std::function<std::unique_ptr<ingest::StreamObserver>(const OnDemandDecision&)>;

  static constexpr int64_t kProbeMs = 1000;
  static constexpr size_t kMaxHeldBytes = 16 * 1024 * 1024;

  OnDemandGate(std::string who, Ask ask, Start start);
  ~OnDemandGate() override;

  void OnMedia(const media::MediaPacket& packet, const std::optional<media::CodecConfig>& video,
               const std::optional<media::CodecConfig>& audio) override;
  void OnEnd() override;

  bool AskedForTest() const { return asked_; }
  size_t HeldPacketsForTest() const { return held_.size(); }

 private:
  using SharedConfig = std::shared_ptr<const std::optional<media::CodecConfig>>;
  struct Held {
    media::MediaPacket packet;
    SharedConfig video;
    SharedConfig audio;
  };
  struct Slot {
    std::mutex mutex;
    std::optional<OnDemandDecision> decision;
  };

  void Probe(const media::MediaPacket& packet, const std::optional<media::CodecConfig>& video);
  void Hold(const media::MediaPacket& packet, const std::optional<media::CodecConfig>& video,
            const std::optional<media::CodecConfig>& audio);
  bool Resolve();  // true once decided

  std::string who_;
  Ask ask_;
  Start start_;
  std::shared_ptr<Slot> slot_ = std::make_shared<Slot>();
  bool asked_ = false;
  bool decided_ = false;
  bool ended_ = false;
  std::unique_ptr<ingest::StreamObserver> inner_;
  std::optional<int64_t> first_video_dts_;
  std::optional<int64_t> first_dts_;
  int64_t video_bytes_ = 0;
  std::vector<Held> held_;
  size_t held_bytes_ = 0;
  SharedConfig video_;
  SharedConfig audio_;
};

// "h264", "h265" (the cloud's name for HEVC), "" for no video.
std::string OnDemandCodecName(const std::optional<media::CodecConfig>& video);

}  // namespace liverec::recorder
