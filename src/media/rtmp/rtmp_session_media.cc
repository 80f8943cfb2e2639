// RtmpServerSession: data messages (RTMP specification 1.0 §7.1.2: @setDataFrame/onMetaData),
// audio and video (§7.1.5) and aggregate messages (§7.1.6) of publishing streams.
#include <spdlog/spdlog.h>

#include "media/rtmp/aggregate_message.h"
#include "media/rtmp/rtmp_session_impl.h"

namespace liverec::media::rtmp {

// "@setDataFrame", "onMetaData", {...} (or "onMetaData", {...}) → a kMetadata event whose
// payload starts at "onMetaData". Other data messages (onTextData, @clearDataFrame, ...) and
// unparsable ones are dropped: metadata is optional for recording.
void RtmpServerSession::Impl::OnData(const RtmpMessage& message, Events& events) {
  if (!IsPublishing(message.stream_id)) return;
  auto values = ParseDataMessage(message);
  if (!values) {
    spdlog::debug("rtmp: dropping data message: {}", values.error().ToString());
    return;
  }
  std::span<const Amf0Value> rest(*values);
  if (!rest.empty() && rest[0].IsString() && rest[0].string == "@setDataFrame") {
    rest = rest.subspan(1);
  }
  if (rest.empty() || !rest[0].IsString() || rest[0].string != "onMetaData") return;
  MediaEvent event{message.stream_id, DataKind::kMetadata, message.timestamp, {}};
  for (const auto& value : rest) EncodeAmf0(value, event.payload);
  events.push_back(std::move(event));
}

void RtmpServerSession::Impl::OnMedia(RtmpMessage& message, Events& events) {
  if (!IsPublishing(message.stream_id) || message.payload.empty()) return;
  DataKind kind = message.type == MessageType::kAudio ? DataKind::kAudio : DataKind::kVideo;
  events.push_back(
      MediaEvent{message.stream_id, kind, message.timestamp, std::move(message.payload)});
}

// §7.1.6 (aggregate_message.h). A malformed tail is dropped.
void RtmpServerSession::Impl::OnAggregate(const RtmpMessage& message, Events& events) {
  if (!IsPublishing(message.stream_id)) return;
  SplitMessages split = SplitAggregate(message);
  for (RtmpMessage& sub : split.messages) {
    if (sub.type == MessageType::kAudio || sub.type == MessageType::kVideo) {
      OnMedia(sub, events);
    } else if (sub.type == MessageType::kDataAmf0) {
      OnData(sub, events);
    }
  }
  if (!split.complete) spdlog::debug("rtmp: dropping malformed aggregate tail");
}

}  // namespace liverec::media::rtmp
