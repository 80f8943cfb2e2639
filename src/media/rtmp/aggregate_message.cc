#include "media/rtmp/aggregate_message.h"

#include "media/rtmp/byte_io.h"

namespace liverec::media::rtmp {

SplitMessages SplitAggregate(const RtmpMessage& aggregate) {
  SplitMessages split;
  ByteReader reader(aggregate.payload);
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
      split.complete = false;
      return split;
    }
    const auto sub_timestamp = static_cast<int64_t>(timestamp | (uint32_t{high} << 24));
    if (first) offset = aggregate.timestamp - sub_timestamp;
    first = false;
    split.messages.push_back(RtmpMessage{aggregate.chunk_stream_id, static_cast<MessageType>(type),
                                         aggregate.stream_id, sub_timestamp + offset,
                                         std::vector<uint8_t>(body.begin(), body.end())});
  }
  return split;
}

}  // namespace liverec::media::rtmp
