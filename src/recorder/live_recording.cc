#include "recorder/live_recording.h"

#include <spdlog/spdlog.h>

namespace liverec::recorder {

LiveRecording::LiveRecording(std::shared_ptr<LiveControl> control, Start start,
                             std::function<void()> close_files_now, const Clock& clock,
                             std::optional<RecordWindow> window, std::function<void()> on_end)
    : control_(std::move(control)),
      start_(std::move(start)),
      close_files_now_(std::move(close_files_now)),
      clock_(clock),
      window_(std::move(window)),
      on_end_(std::move(on_end)) {
  // Effects queued at publish (automatic recording) take effect before the first packet.
  if (control_->HasEffects()) Apply(false);
}

LiveRecording::~LiveRecording() { OnEnd(); }

void LiveRecording::CheckWindow() {
  int64_t now = clock_.NowMs();
  if (!window_->opened && now >= window_->start_ms) {
    window_->opened = true;
    if (now < window_->end_ms) {
      spdlog::info("recorder: {}: the config's time window opened", control_->who());
      control_->AutoStart(window_->config, window_->on_demand, "time window opened");
    }
  }
  if (now >= window_->end_ms) {
    spdlog::info("recorder: {}: the config's time window closed", control_->who());
    control_->WindowClosed();
    window_.reset();  // the rule fires once
  }
}

void LiveRecording::Apply(bool ending) {
  for (auto& effect : control_->TakeEffects()) {
    switch (effect.kind) {
      case TaskEffectKind::kStart:
        if (ending) break;
        if (inner_) inner_->OnEnd();
        inner_ = start_(effect);
        if (!inner_) {
          spdlog::error("recorder: {}: recording not started ({})", control_->who(), effect.reason);
        }
        break;
      case TaskEffectKind::kStop:
        if (inner_) {
          spdlog::info("recorder: {}: recording stopped ({}); its files wait DelayTime",
                       control_->who(), effect.reason);
          inner_->OnEnd();
          inner_.reset();
        }
        break;
      case TaskEffectKind::kCloseFilesNow:
        spdlog::info("recorder: {}: closing the recording's files now ({})", control_->who(),
                     effect.reason);
        close_files_now_();
        break;
    }
  }
}

void LiveRecording::OnMedia(const media::MediaPacket& packet,
                            const std::optional<media::CodecConfig>& video,
                            const std::optional<media::CodecConfig>& audio) {
  if (ended_) return;
  if (window_) CheckWindow();
  if (control_->HasEffects()) Apply(false);
  if (inner_) inner_->OnMedia(packet, video, audio);
}

void LiveRecording::OnEnd() {
  if (ended_) return;
  ended_ = true;
  control_->Ended();
  Apply(true);
  if (inner_) {
    inner_->OnEnd();
    inner_.reset();
  }
  if (on_end_) on_end_();
}

}  // namespace liverec::recorder
