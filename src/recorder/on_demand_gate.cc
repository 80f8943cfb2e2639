#include "recorder/on_demand_gate.h"

#include <spdlog/spdlog.h>

namespace liverec::recorder {

std::string OnDemandCodecName(const std::optional<media::CodecConfig>& video) {
  if (!video) return "";
  if (video->codec == media::CodecId::kHevc) return "h265";
  return std::string(media::CodecName(video->codec));
}

OnDemandGate::OnDemandGate(std::string who, Ask ask, Start start)
    : who_(std::move(who)), ask_(std::move(ask)), start_(std::move(start)) {}

OnDemandGate::~OnDemandGate() { OnEnd(); }

void OnDemandGate::OnMedia(const media::MediaPacket& packet,
                           const std::optional<media::CodecConfig>& video,
                           const std::optional<media::CodecConfig>& audio) {
  if (ended_) return;
  if (inner_) {
    inner_->OnMedia(packet, video, audio);
    return;
  }
  if (decided_) return;  // not recorded
  if (!asked_) Probe(packet, video);
  Hold(packet, video, audio);
  if (!asked_ || !Resolve()) return;
  std::vector<Held> held = std::move(held_);
  held_.clear();
  held_bytes_ = 0;
  if (!inner_) return;
  spdlog::info("recorder: {}: on-demand: recording starts with {} held packets", who_, held.size());
  for (const auto& h : held) inner_->OnMedia(h.packet, *h.video, *h.audio);
}

void OnDemandGate::Probe(const media::MediaPacket& packet,
                         const std::optional<media::CodecConfig>& video) {
  if (!first_dts_) first_dts_ = packet.dts_ms;
  bool ask = false;
  int64_t kbps = 0;
  if (packet.kind == media::TrackKind::kVideo && video) {
    if (!first_video_dts_) first_video_dts_ = packet.dts_ms;
    video_bytes_ += static_cast<int64_t>(packet.data.size());
    int64_t span = packet.dts_ms - *first_video_dts_;
    if (span >= kProbeMs) {
      ask = true;
      kbps = video_bytes_ * 8 / span;  // bits per ms = kbit/s
    }
  } else if (!video && !first_video_dts_ && packet.dts_ms - *first_dts_ >= kProbeMs) {
    ask = true;  // audio only so far
  }
  if (!ask) return;
  asked_ = true;
  spdlog::info("recorder: {}: on-demand: asking (codec '{}', {} kbit/s)", who_,
               OnDemandCodecName(video), kbps);
  ask_(OnDemandCodecName(video), kbps, [slot = slot_](OnDemandDecision decision) {
    std::lock_guard lock(slot->mutex);
    slot->decision = std::move(decision);
  });
}

void OnDemandGate::Hold(const media::MediaPacket& packet,
                        const std::optional<media::CodecConfig>& video,
                        const std::optional<media::CodecConfig>& audio) {
  bool keyframe = packet.kind == media::TrackKind::kVideo && packet.keyframe;
  if (keyframe || !video || held_bytes_ + packet.data.size() > kMaxHeldBytes) {
    held_.clear();  // a recording starts at a keyframe: older packets are of no use
    held_bytes_ = 0;
  }
  if (!video_ || *video_ != video)
    video_ = std::make_shared<const std::optional<media::CodecConfig>>(video);
  if (!audio_ || *audio_ != audio)
    audio_ = std::make_shared<const std::optional<media::CodecConfig>>(audio);
  held_.push_back({packet, video_, audio_});
  held_bytes_ += packet.data.size();
}

bool OnDemandGate::Resolve() {
  std::optional<OnDemandDecision> decision;
  {
    std::lock_guard lock(slot_->mutex);
    if (!slot_->decision) return false;
    decision = std::move(slot_->decision);
  }
  decided_ = true;
  if (decision->record) inner_ = start_(*decision);
  return true;
}

void OnDemandGate::OnEnd() {
  if (ended_) return;
  ended_ = true;
  held_.clear();
  if (inner_) {
    inner_->OnEnd();
  } else if (!decided_) {
    spdlog::info("recorder: {}: on-demand: the publisher left before the decision{}", who_,
                 asked_ ? "" : " (never asked: shorter than the probe)");
  }
}

}  // namespace liverec::recorder
