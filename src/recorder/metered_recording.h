// MeteredRecording: a recording (StreamObserver) whose time the RecordingUsageMeter counts, from
// its construction to its end (OnEnd, or its destruction without one): what
// DescribeLiveDomainRecordUsageData reports (docs/api/usage.md). A recording whose bucket
// refuses it still counts until it ends. Thread-safety: none, as for the recording it wraps.
#pragma once

#include <memory>

#include "ingest/stream_observer.h"
#include "recorder/recording_usage_meter.h"

namespace liverec::recorder {

class MeteredRecording final : public ingest::StreamObserver {
 public:
  MeteredRecording(RecordingUsageMeter& meter, UsageStream stream,
                   std::unique_ptr<ingest::StreamObserver> inner)
      : meter_(meter), id_(meter.Begin(std::move(stream))), inner_(std::move(inner)) {}
  ~MeteredRecording() override;

  void OnMedia(const media::MediaPacket& packet, const std::optional<media::CodecConfig>& video,
               const std::optional<media::CodecConfig>& audio) override {
    inner_->OnMedia(packet, video, audio);
  }
  void OnEnd() override;

 private:
  RecordingUsageMeter& meter_;
  const uint64_t id_;
  std::unique_ptr<ingest::StreamObserver> inner_;
  bool ended_ = false;
};

}  // namespace liverec::recorder
