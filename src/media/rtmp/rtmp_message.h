// RtmpMessage: one reassembled RTMP message (RTMP specification 1.0 §6.1: message type, payload
// length, timestamp, message stream id) plus the chunk stream it travelled on (§5.3). The
// chunk decoder produces these; the chunk encoder consumes them. Plain values.
#pragma once

#include <cstdint>
#include <vector>

namespace liverec::media::rtmp {

// Message type ids: protocol control (§5.4), user control (§6.2), and §7.1 message types.
enum class MessageType : uint8_t {
  kSetChunkSize = 1,
  kAbort = 2,
  kAcknowledgement = 3,
  kUserControl = 4,
  kWindowAckSize = 5,
  kSetPeerBandwidth = 6,
  kAudio = 8,
  kVideo = 9,
  kDataAmf3 = 15,
  kSharedObjectAmf3 = 16,
  kCommandAmf3 = 17,
  kDataAmf0 = 18,
  kSharedObjectAmf0 = 19,
  kCommandAmf0 = 20,
  kAggregate = 22,
};

// Chunk stream ids this code sends on. 2 is reserved for protocol control (§5.4); the others
// follow common practice (FMS, ffmpeg): commands 3, audio 4, status/data 5, video 6.
inline constexpr uint32_t kProtocolControlChunkStream = 2;
inline constexpr uint32_t kCommandChunkStream = 3;
inline constexpr uint32_t kAudioChunkStream = 4;
inline constexpr uint32_t kDataChunkStream = 5;
inline constexpr uint32_t kVideoChunkStream = 6;

struct RtmpMessage {
  uint32_t chunk_stream_id = kCommandChunkStream;
  MessageType type = MessageType::kCommandAmf0;
  uint32_t stream_id = 0;  // message stream id; 0 for the connection
  int64_t timestamp = 0;   // milliseconds, unwrapped from the 32-bit wire timestamp
  std::vector<uint8_t> payload;
};

}  // namespace liverec::media::rtmp
