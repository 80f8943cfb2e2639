#include "media/rtmp/protocol_control.h"

#include "media/rtmp/byte_io.h"

namespace liverec::media::rtmp {
namespace {

RtmpMessage ControlMessage(MessageType type, uint32_t value) {
  RtmpMessage message;
  message.chunk_stream_id = kProtocolControlChunkStream;
  message.type = type;
  AppendU32(message.payload, value);
  return message;
}

}  // namespace

// §5.4.1: bit 31 must be zero; 31 bits of chunk size.
RtmpMessage MakeSetChunkSize(uint32_t chunk_size) {
  return ControlMessage(MessageType::kSetChunkSize, chunk_size & 0x7FFFFFFF);
}

RtmpMessage MakeAbort(uint32_t chunk_stream_id) {
  return ControlMessage(MessageType::kAbort, chunk_stream_id);
}

RtmpMessage MakeAcknowledgement(uint32_t sequence_number) {
  return ControlMessage(MessageType::kAcknowledgement, sequence_number);
}

RtmpMessage MakeWindowAckSize(uint32_t window_size) {
  return ControlMessage(MessageType::kWindowAckSize, window_size);
}

RtmpMessage MakeSetPeerBandwidth(uint32_t window_size, BandwidthLimit limit) {
  RtmpMessage message = ControlMessage(MessageType::kSetPeerBandwidth, window_size);
  AppendU8(message.payload, static_cast<uint8_t>(limit));
  return message;
}

// §6.2: User Control messages use message stream id 0 and chunk stream id 2.
RtmpMessage MakeUserControl(UserControlType type, uint32_t value) {
  RtmpMessage message;
  message.chunk_stream_id = kProtocolControlChunkStream;
  message.type = MessageType::kUserControl;
  AppendU16(message.payload, static_cast<uint16_t>(type));
  AppendU32(message.payload, value);
  return message;
}

Result<uint32_t> ParseU32Payload(std::span<const uint8_t> payload) {
  ByteReader reader(payload);
  uint32_t value = 0;
  if (!reader.ReadU32(value)) {
    return Error(ErrorCode::kProtocolError, "", "protocol control message shorter than 4 bytes");
  }
  return value;
}

Result<UserControlEvent> ParseUserControl(std::span<const uint8_t> payload) {
  ByteReader reader(payload);
  UserControlEvent event;
  if (!reader.ReadU16(event.type) || !reader.ReadU32(event.value)) {
    return Error(ErrorCode::kProtocolError, "", "user control message shorter than 6 bytes");
  }
  if (event.type == static_cast<uint16_t>(UserControlType::kSetBufferLength) &&
      !reader.ReadU32(event.value2)) {
    return Error(ErrorCode::kProtocolError, "", "SetBufferLength shorter than 10 bytes");
  }
  return event;
}

}  // namespace liverec::media::rtmp
