// ChunkDecoder: reassembles RTMP messages from the chunk stream (RTMP specification 1.0 §5.3).
//
// Handles basic headers of 1–3 bytes (chunk stream ids 2–65599, §5.3.1.1), message headers of
// type 0–3 (§5.3.1.2), extended timestamps (§5.3.1.3, also on type-3 chunks of a message whose
// header used one), interleaved chunk streams, and applies the two chunk-layer control messages
// itself when they complete: Set Chunk Size (§5.4.1) and Abort Message (§5.4.2). Timestamp deltas
// accumulate per chunk stream and 32-bit timestamps are unwrapped to 64 bits.
//
// Sans-I/O: Feed takes any split of the received bytes and returns the messages they complete;
// a partial chunk is kept (at most one chunk is buffered). An error (limits exceeded, a type 1–3
// header on an unknown chunk stream, a new header in the middle of a message, ...) is final.
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "base/status.h"
#include "media/rtmp/rtmp_message.h"

namespace liverec::media::rtmp {

struct ChunkDecoderLimits {
  uint32_t max_chunk_size = 65536;              // a larger Set Chunk Size is an error
  uint32_t max_message_size = 8 * 1024 * 1024;  // a larger message length is an error
  size_t max_chunk_streams = 64;                // distinct chunk stream ids
};

inline constexpr uint32_t kDefaultChunkSize = 128;  // §5.4.1
// A message's payload is reserved whole when its first chunk arrives (its chunks are then
// appended without reallocating: growing it chunk by chunk moved each frame about once more, ~3 %
// of the recording path's CPU, docs/benchmarks.md), up to kMaxReserve bytes, while the capacity
// reserved and not yet received stays within kReserveBudget per connection; beyond that a
// payload grows as its chunks come. No effect on what is decoded or refused.
inline constexpr size_t kMaxReserve = 1024 * 1024;
inline constexpr size_t kReserveBudget = 1024 * 1024;
inline constexpr uint32_t kMaxChunkStreamId = 65599;

class ChunkDecoder {
 public:
  explicit ChunkDecoder(ChunkDecoderLimits limits = {});

  // Consumes bytes; returns the messages they complete, in order, Set Chunk Size and Abort
  // included (already applied). After an error every call returns that error.
  Result<std::vector<RtmpMessage>> Feed(std::span<const uint8_t> bytes);

  uint32_t chunk_size() const { return chunk_size_; }
  size_t buffered_bytes() const { return buffer_.size(); }
  // Payload capacity reserved for partly received messages and not received yet (kReserveBudget).
  size_t unreceived_reserved() const { return unreceived_reserved_; }

 private:
  // Per chunk stream: the last message header (§5.3.1.2 types 1–3 reuse it) and the message
  // being reassembled.
  struct ChunkStream {
    uint32_t timestamp32 = 0;  // wire timestamp of the current/last message
    int64_t timestamp = 0;     // the same, unwrapped
    uint32_t delta = 0;        // timestamp field of the last header (absolute for type 0)
    bool extended = false;     // the last header carried an extended timestamp
    uint32_t length = 0;
    MessageType type = MessageType::kCommandAmf0;
    uint32_t stream_id = 0;
    bool started = false;     // a message header was seen
    bool in_message = false;  // some chunks of a message arrived
    std::vector<uint8_t> payload;
    size_t reserved = 0;  // payload capacity reserved when the message began
  };
  struct ChunkHeader;

  // Decodes at most one chunk from `data`. Returns the bytes used; 0 when the chunk is not
  // complete yet.
  Result<size_t> DecodeChunk(std::span<const uint8_t> data, std::vector<RtmpMessage>& out);
  Result<size_t> DecodeAll(std::span<const uint8_t> data, std::vector<RtmpMessage>& out);
  void StartMessage(ChunkStream& stream, const ChunkHeader& header);
  Status ApplyControl(const RtmpMessage& message);

  ChunkDecoderLimits limits_;
  uint32_t chunk_size_ = kDefaultChunkSize;
  std::map<uint32_t, ChunkStream> streams_;
  std::vector<uint8_t> buffer_;  // an incomplete chunk
  size_t pending_bytes_ = 0;     // payload bytes of partly received messages
  // Reserved payload capacity not received yet, over all partly received messages: bounded by
  // kReserveBudget, so a peer cannot make the decoder hold much more memory than it sent.
  size_t unreceived_reserved_ = 0;
  Status failed_;
};

}  // namespace liverec::media::rtmp
