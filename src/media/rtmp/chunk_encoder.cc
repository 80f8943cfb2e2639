#include "media/rtmp/chunk_encoder.h"

#include <algorithm>

#include "media/rtmp/byte_io.h"

namespace liverec::media::rtmp {
namespace {

// §5.3.1.1: ids 2–63 fit the first byte; 64–319 use a second byte; 320–65599 two more bytes.
void AppendBasicHeader(std::vector<uint8_t>& out, int fmt, uint32_t chunk_stream_id) {
  auto top = static_cast<uint8_t>(fmt << 6);
  if (chunk_stream_id < 64) {
    out.push_back(static_cast<uint8_t>(top | chunk_stream_id));
  } else if (chunk_stream_id < 320) {
    out.push_back(top);
    out.push_back(static_cast<uint8_t>(chunk_stream_id - 64));
  } else {
    uint32_t id = chunk_stream_id - 64;
    out.push_back(static_cast<uint8_t>(top | 1));
    out.push_back(static_cast<uint8_t>(id & 0xFF));
    out.push_back(static_cast<uint8_t>(id >> 8));
  }
}

}  // namespace

void ChunkEncoder::Encode(const RtmpMessage& message, std::vector<uint8_t>& out) const {
  auto timestamp = static_cast<uint32_t>(message.timestamp);
  bool extended = timestamp >= 0xFFFFFF;
  const auto& payload = message.payload;
  size_t sent = 0;
  bool first = true;
  out.reserve(out.size() + payload.size() + 18 + (payload.size() / chunk_size_ + 1) * 8);
  do {
    AppendBasicHeader(out, first ? 0 : 3, message.chunk_stream_id);
    if (first) {  // §5.3.1.2.1 type 0: timestamp, length, type id, stream id (little-endian)
      AppendU24(out, extended ? 0xFFFFFF : timestamp);
      AppendU24(out, static_cast<uint32_t>(payload.size()));
      AppendU8(out, static_cast<uint8_t>(message.type));
      AppendU32Le(out, message.stream_id);
    }
    if (extended) AppendU32(out, timestamp);
    size_t piece = std::min<size_t>(chunk_size_, payload.size() - sent);
    out.insert(out.end(), payload.begin() + static_cast<ptrdiff_t>(sent),
               payload.begin() + static_cast<ptrdiff_t>(sent + piece));
    sent += piece;
    first = false;
  } while (sent < payload.size());
}

}  // namespace liverec::media::rtmp
