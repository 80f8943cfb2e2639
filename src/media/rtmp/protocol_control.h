// Builders and parsers for RTMP protocol control messages (RTMP specification 1.0 §5.4: Set
// Chunk Size, Abort, Acknowledgement, Window Acknowledgement Size, Set Peer Bandwidth) and
// User Control messages (§6.2, §7.1.7: Stream Begin, Ping Request/Response, ...).
// Pure functions. Thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "base/status.h"
#include "media/rtmp/rtmp_message.h"

namespace liverec::media::rtmp {

// User Control event types (§7.1.7).
enum class UserControlType : uint16_t {
  kStreamBegin = 0,
  kStreamEof = 1,
  kStreamDry = 2,
  kSetBufferLength = 3,
  kStreamIsRecorded = 4,
  kPingRequest = 6,
  kPingResponse = 7,
};

// Set Peer Bandwidth limit types (§5.4.5).
enum class BandwidthLimit : uint8_t { kHard = 0, kSoft = 1, kDynamic = 2 };

RtmpMessage MakeSetChunkSize(uint32_t chunk_size);
RtmpMessage MakeAbort(uint32_t chunk_stream_id);
RtmpMessage MakeAcknowledgement(uint32_t sequence_number);
RtmpMessage MakeWindowAckSize(uint32_t window_size);
RtmpMessage MakeSetPeerBandwidth(uint32_t window_size, BandwidthLimit limit);
// Event data is one 32-bit value (stream id or timestamp) for every event this code sends.
RtmpMessage MakeUserControl(UserControlType type, uint32_t value);

// A 4-byte big-endian value: the payload of Set Chunk Size, Abort, Acknowledgement and Window
// Acknowledgement Size (and the first field of Set Peer Bandwidth). Short payload → error.
Result<uint32_t> ParseU32Payload(std::span<const uint8_t> payload);

struct UserControlEvent {
  uint16_t type = 0;
  uint32_t value = 0;   // stream id or timestamp
  uint32_t value2 = 0;  // buffer length of kSetBufferLength
};
Result<UserControlEvent> ParseUserControl(std::span<const uint8_t> payload);

}  // namespace liverec::media::rtmp
