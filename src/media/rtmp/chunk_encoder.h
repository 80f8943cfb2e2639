// ChunkEncoder: splits RTMP messages into chunks (RTMP specification 1.0 §5.3): the first chunk
// with a type-0 message header, the rest type 3; extended timestamps (§5.3.1.3) when the
// timestamp does not fit 24 bits, repeated on every type-3 chunk of that message.
//
// The chunk size is the sender's: to change it, encode MakeSetChunkSize(n) first (with the old
// size), then call set_chunk_size(n). Stateless apart from the chunk size. Thread-safety: none.
#pragma once

#include <cstdint>
#include <vector>

#include "media/rtmp/chunk_decoder.h"
#include "media/rtmp/rtmp_message.h"

namespace liverec::media::rtmp {

class ChunkEncoder {
 public:
  explicit ChunkEncoder(uint32_t chunk_size = kDefaultChunkSize) : chunk_size_(chunk_size) {}

  uint32_t chunk_size() const { return chunk_size_; }
  void set_chunk_size(uint32_t chunk_size) { chunk_size_ = chunk_size == 0 ? 1 : chunk_size; }

  // Appends the chunks of `message` to `out`. The chunk stream id must be 2..65599; the
  // timestamp is sent modulo 2^32.
  void Encode(const RtmpMessage& message, std::vector<uint8_t>& out) const;

 private:
  uint32_t chunk_size_;
};

}  // namespace liverec::media::rtmp
