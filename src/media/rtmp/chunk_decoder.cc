#include "media/rtmp/chunk_decoder.h"

#include <algorithm>
#include <string>
#include <utility>

#include "media/rtmp/byte_io.h"

namespace liverec::media::rtmp {
namespace {

constexpr uint32_t kExtendedTimestampMarker = 0xFFFFFF;  // §5.3.1.3

tl::unexpected<Status> ProtocolError(std::string detail) {
  return Error(ErrorCode::kProtocolError, "", "RTMP chunk stream: " + std::move(detail));
}

}  // namespace

// The fields of one chunk header (§5.3.1) as read from the wire.
struct ChunkDecoder::ChunkHeader {
  int fmt = 0;
  uint32_t chunk_stream_id = 0;
  uint32_t timestamp_field = 0;  // absolute (type 0) or delta (types 1–3), extended applied
  bool extended = false;
  uint32_t length = 0;
  MessageType type = MessageType::kCommandAmf0;
  uint32_t stream_id = 0;
};

ChunkDecoder::ChunkDecoder(ChunkDecoderLimits limits) : limits_(limits) {}

Result<std::vector<RtmpMessage>> ChunkDecoder::Feed(std::span<const uint8_t> bytes) {
  if (!failed_.ok()) return Error(failed_);
  std::vector<RtmpMessage> out;
  Result<size_t> used = 0;
  if (buffer_.empty()) {
    used = DecodeAll(bytes, out);
    if (used) buffer_.assign(bytes.begin() + static_cast<ptrdiff_t>(*used), bytes.end());
  } else {
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
    used = DecodeAll(buffer_, out);
    if (used) buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<ptrdiff_t>(*used));
  }
  if (!used) {
    failed_ = used.error();
    buffer_.clear();
    return Error(failed_);
  }
  return out;
}

Result<size_t> ChunkDecoder::DecodeAll(std::span<const uint8_t> data,
                                       std::vector<RtmpMessage>& out) {
  size_t total = 0;
  while (total < data.size()) {
    auto used = DecodeChunk(data.subspan(total), out);
    if (!used) return used;
    if (*used == 0) break;
    total += *used;
  }
  return total;
}

Result<size_t> ChunkDecoder::DecodeChunk(std::span<const uint8_t> data,
                                         std::vector<RtmpMessage>& out) {
  ByteReader reader(data);
  ChunkHeader header;
  // §5.3.1.1 basic header: fmt in the top 2 bits; csid 2–63 in one byte, 0 → 64 + next byte,
  // 1 → 64 + next 2 bytes (little-endian: second byte × 256 + first).
  uint8_t first = 0;
  if (!reader.ReadU8(first)) return 0;
  header.fmt = first >> 6;
  header.chunk_stream_id = first & 0x3F;
  if (header.chunk_stream_id <= 1) {
    uint8_t low = 0;
    uint8_t high = 0;
    if (!reader.ReadU8(low)) return 0;
    if (header.chunk_stream_id == 1 && !reader.ReadU8(high)) return 0;
    header.chunk_stream_id = 64 + low + 256u * high;
  }

  auto it = streams_.find(header.chunk_stream_id);
  if (it == streams_.end()) {
    if (header.fmt != 0) {
      return ProtocolError("type-" + std::to_string(header.fmt) +
                           " header on unknown chunk stream " +
                           std::to_string(header.chunk_stream_id));
    }
    if (streams_.size() >= limits_.max_chunk_streams)
      return ProtocolError("too many chunk streams");
  }
  static const ChunkStream no_stream;
  const ChunkStream& previous = it == streams_.end() ? no_stream : it->second;
  if (previous.in_message && header.fmt != 3) {
    return ProtocolError("type-" + std::to_string(header.fmt) + " header inside a message");
  }

  // §5.3.1.2 message header: type 0 (11 bytes), 1 (7), 2 (3), 3 (none).
  header.length = previous.length;
  header.type = previous.type;
  header.stream_id = previous.stream_id;
  header.timestamp_field = previous.delta;
  header.extended = previous.extended;
  if (header.fmt <= 2) {
    if (!reader.ReadU24(header.timestamp_field)) return 0;
    header.extended = header.timestamp_field == kExtendedTimestampMarker;
  }
  if (header.fmt <= 1) {
    uint8_t type = 0;
    if (!reader.ReadU24(header.length) || !reader.ReadU8(type)) return 0;
    header.type = static_cast<MessageType>(type);
  }
  if (header.fmt == 0 && !reader.ReadU32Le(header.stream_id)) return 0;

  // §5.3.1.3 extended timestamp. A type-3 chunk carries it when the message's header did. Some
  // old encoders omit it on continuation chunks, so there it is taken only when it repeats the
  // value already known.
  if (header.extended) {
    size_t before_extended = reader.position();
    uint32_t extended = 0;
    if (!reader.ReadU32(extended)) return 0;
    if (header.fmt == 3 && previous.in_message && extended != previous.delta) {
      reader = ByteReader(data);
      reader.Skip(before_extended);
    } else {
      header.timestamp_field = extended;
    }
  }

  if (header.length > limits_.max_message_size) {
    return ProtocolError("message of " + std::to_string(header.length) + " bytes over the limit");
  }
  size_t have = previous.in_message ? previous.payload.size() : 0;
  size_t piece = std::min<size_t>(chunk_size_, header.length - have);
  if (reader.remaining() < piece) return 0;
  // All partly received messages together stay within twice the message limit.
  if (pending_bytes_ + piece > 2 * static_cast<size_t>(limits_.max_message_size)) {
    return ProtocolError("too many bytes in partly received messages");
  }

  ChunkStream& stream = streams_[header.chunk_stream_id];
  if (!stream.in_message) StartMessage(stream, header);
  std::span<const uint8_t> bytes;
  reader.ReadBytes(piece, bytes);
  if (stream.reserved > stream.payload.size()) {
    unreceived_reserved_ -= std::min(piece, stream.reserved - stream.payload.size());
  }
  stream.payload.insert(stream.payload.end(), bytes.begin(), bytes.end());
  pending_bytes_ += piece;
  if (stream.payload.size() == stream.length) {
    pending_bytes_ -= stream.payload.size();
    RtmpMessage message{header.chunk_stream_id, stream.type, stream.stream_id, stream.timestamp,
                        std::move(stream.payload)};
    stream.payload = {};
    stream.reserved = 0;
    stream.in_message = false;
    LIVEREC_RETURN_IF_ERROR(ApplyControl(message));
    out.push_back(std::move(message));
  }
  return reader.position();
}

// Timestamps (§5.3.1.2): type 0 gives the absolute timestamp, types 1 and 2 a delta, and a type-3
// header starting a new message repeats the previous delta (after a type 0, its timestamp field,
// as FMS, ffmpeg and librtmp do). The 32-bit wire clock is unwrapped into a 64-bit one.
void ChunkDecoder::StartMessage(ChunkStream& stream, const ChunkHeader& header) {
  if (header.fmt == 0) {
    auto step = static_cast<int32_t>(header.timestamp_field - stream.timestamp32);
    stream.timestamp = stream.started ? stream.timestamp + step : header.timestamp_field;
    stream.timestamp32 = header.timestamp_field;
  } else {
    stream.timestamp32 += header.timestamp_field;
    stream.timestamp += header.timestamp_field;
  }
  stream.started = true;
  stream.delta = header.timestamp_field;
  stream.extended = header.extended;
  stream.length = header.length;
  stream.type = header.type;
  stream.stream_id = header.stream_id;
  stream.in_message = true;
  stream.payload.clear();
  // The whole payload at once when the budget allows (kMaxReserve): counted as unreceived until
  // its chunks arrive. A message of one chunk needs no reservation.
  stream.reserved = 0;
  size_t want = std::min<size_t>(header.length, kMaxReserve);
  if (want > chunk_size_ && unreceived_reserved_ + want <= kReserveBudget) {
    stream.payload.reserve(want);
    stream.reserved = want;
    unreceived_reserved_ += want;
  }
}

Status ChunkDecoder::ApplyControl(const RtmpMessage& message) {
  if (message.type != MessageType::kSetChunkSize && message.type != MessageType::kAbort) {
    return Status::Ok();
  }
  ByteReader reader(message.payload);
  uint32_t value = 0;
  if (!reader.ReadU32(value)) {
    return Status(ErrorCode::kProtocolError, "", "RTMP: control message shorter than 4 bytes");
  }
  if (message.type == MessageType::kSetChunkSize) {  // §5.4.1: 1..2^31-1, bit 31 zero
    if (value == 0 || value > limits_.max_chunk_size) {
      return Status(ErrorCode::kProtocolError, "",
                    "RTMP: Set Chunk Size " + std::to_string(value) + " out of range");
    }
    chunk_size_ = value;
    return Status::Ok();
  }
  auto it = streams_.find(value);  // §5.4.2: discard the partly received message
  if (it != streams_.end() && it->second.in_message) {
    ChunkStream& stream = it->second;
    pending_bytes_ -= stream.payload.size();
    if (stream.reserved > stream.payload.size()) {
      unreceived_reserved_ -= stream.reserved - stream.payload.size();
    }
    stream.reserved = 0;
    stream.in_message = false;
    stream.payload = {};
  }
  return Status::Ok();
}

}  // namespace liverec::media::rtmp
