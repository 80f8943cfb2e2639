#include "ingest/stream_event_listener.h"

namespace liverec::ingest {
namespace {

class EventObserver final : public StreamObserver {
 public:
  EventObserver(std::unique_ptr<StreamObserver> inner, StreamEventSink& sink, const Clock& clock,
                PublishInfo info, uint64_t publish_id, int64_t published_ms)
      : inner_(std::move(inner)),
        sink_(sink),
        clock_(clock),
        info_(std::move(info)),
        publish_id_(publish_id),
        published_ms_(published_ms) {}

  void OnMedia(const media::MediaPacket& packet, const std::optional<media::CodecConfig>& video,
               const std::optional<media::CodecConfig>& audio) override {
    if (inner_) inner_->OnMedia(packet, video, audio);
    if (confirmed_) return;
    if (clock_.NowMs() - published_ms_ < StreamEventListener::kConfirmMs) return;
    confirmed_ = true;
    sink_.Published(publish_id_, info_, published_ms_, video ? video->width : 0,
                    video ? video->height : 0);
  }

  void OnEnd() override {
    if (inner_) inner_->OnEnd();
    if (confirmed_) sink_.PublishDone(publish_id_, info_, clock_.NowMs());
  }

 private:
  std::unique_ptr<StreamObserver> inner_;
  StreamEventSink& sink_;
  const Clock& clock_;
  PublishInfo info_;
  uint64_t publish_id_;
  int64_t published_ms_;
  bool confirmed_ = false;
};

}  // namespace

std::unique_ptr<StreamObserver> StreamEventListener::OnPublish(const PublishInfo& info) {
  int64_t published_ms = clock_.NowMs();
  auto inner = inner_.OnPublish(info);
  return std::make_unique<EventObserver>(std::move(inner), sink_, clock_, info,
                                         next_publish_id_.fetch_add(1), published_ms);
}

}  // namespace liverec::ingest
