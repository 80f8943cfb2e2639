#include "recorder/snapshot/snapshot_listener.h"

#include <spdlog/spdlog.h>

namespace liverec::recorder::snapshot {
namespace {

class SnapshotObserver final : public ingest::StreamObserver {
 public:
  SnapshotObserver(std::unique_ptr<ingest::StreamObserver> inner,
                   std::shared_ptr<const SnapshotTarget> target, int64_t first_sequence,
                   const SnapshotServices& services)
      : inner_(std::move(inner)),
        target_(std::move(target)),
        interval_ms_(target_->config.time_interval_s * 1000),
        next_sequence_(first_sequence),
        services_(services) {}

  void OnMedia(const media::MediaPacket& packet, const std::optional<media::CodecConfig>& video,
               const std::optional<media::CodecConfig>& audio) override {
    if (inner_) inner_->OnMedia(packet, video, audio);
    if (packet.kind != media::TrackKind::kVideo || !packet.keyframe || !video) return;
    const int64_t now = services_.clock.NowMs();
    if (now < next_due_ms_) return;
    next_due_ms_ = now + interval_ms_;
    SnapshotJob job{target_, *video, packet, now, next_sequence_};
    SnapshotTaker& taker = services_.taker;
    if (services_.workers.TrySubmit([&taker, job = std::move(job)] { (void)taker.Take(job); })) {
      ++next_sequence_;
    } else {
      services_.metrics.Skipped();
    }
  }

  void OnEnd() override {
    if (inner_) inner_->OnEnd();
  }

 private:
  std::unique_ptr<ingest::StreamObserver> inner_;
  std::shared_ptr<const SnapshotTarget> target_;
  const int64_t interval_ms_;
  int64_t next_sequence_;
  int64_t next_due_ms_ = 0;
  const SnapshotServices& services_;
};

}  // namespace

std::unique_ptr<ingest::StreamObserver> SnapshotListener::OnPublish(
    const ingest::PublishInfo& info) {
  auto inner = inner_.OnPublish(info);
  const auto& id = info.identity;
  auto config = services_.configs.Match(info.account_id, id.domain, id.app);
  if (!config) {
    spdlog::warn("snapshots of {}: the snapshot config cannot be read ({}); none are taken",
                 id.Key(), config.error().ToString());
    return inner;
  }
  if (!*config) return inner;
  int64_t first_sequence = 1;
  if (!(*config)->sequence_oss_object.empty()) {
    auto taken = services_.snapshots.CountSequence(info.account_id, id.domain, id.app, id.stream);
    if (!taken) {
      spdlog::warn("snapshots of {}: the snapshot history cannot be read ({}); none are taken",
                   id.Key(), taken.error().ToString());
      return inner;
    }
    first_sequence = *taken + 1;
  }
  auto target = std::make_shared<SnapshotTarget>(
      SnapshotTarget{info.account_id, id.domain, id.app, id.stream, std::move(**config)});
  return std::make_unique<SnapshotObserver>(std::move(inner), std::move(target), first_sequence,
                                            services_);
}

}  // namespace liverec::recorder::snapshot
