// RtmpServerSession: data messages (RTMP specification 1.0 §7.1.2: @setDataFrame/onMetaData),
// audio and video (§7.1.5) and aggregate messages (§7.1.6) of publishing streams.
#include <spdlog/spdlog.h>

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

// §7.1.6: sub-messages, each a header (type 1, length 3, timestamp 3 + 1 high byte, stream id 3),
// a body and a 4-byte back pointer. Timestamps are shifted so the first one equals the aggregate's;
// the aggregate's stream id applies. A malformed tail is dropped.
void RtmpServerSession::Impl::OnAggregate(const RtmpMessage& message, Events& events) {
  if (!IsPublishing(message.stream_id)) return;
  ByteReader reader(message.payload);
  bool first = true;
  int64_t offset = 0;
  while (!reader.empty()) {
    uint8_t type = 0;
    uint8_t high = 0;
    uint32_t length = 0;
    uint32_t timestamp = 0;
    std::span<const uint8_t> body;
    if (!reader.ReadU8(type) || !reader.ReadU24(length) || !reader.ReadU24(timestamp) ||
        !reader.ReadU8(high) || !reader.Skip(3) || !reader.ReadBytes(length, body) ||
        !reader.Skip(4)) {
      spdlog::debug("rtmp: dropping malformed aggregate tail");
      return;
    }
    int64_t sub_timestamp = static_cast<int64_t>(timestamp | (static_cast<uint32_t>(high) << 24));
    if (first) offset = message.timestamp - sub_timestamp;
    first = false;
    RtmpMessage sub{message.chunk_stream_id, static_cast<MessageType>(type), message.stream_id,
                    sub_timestamp + offset, std::vector<uint8_t>(body.begin(), body.end())};
    if (sub.type == MessageType::kAudio || sub.type == MessageType::kVideo) {
      OnMedia(sub, events);
    } else if (sub.type == MessageType::kDataAmf0) {
      OnData(sub, events);
    }
  }
}

}  // namespace liverec::media::rtmp
