#include "media/flv/flv_file_reader.h"

#include <string>
#include <utility>

namespace liverec::media::flv {
namespace {

constexpr size_t kMinFileHeaderSize = 9;
constexpr size_t kTagHeaderSize = 11;
constexpr size_t kPreviousTagSizeSize = 4;
constexpr uint8_t kReservedBits = 0xc0;
constexpr uint8_t kFilterBit = 0x20;
constexpr size_t kMaxDataOffset = 1 << 20;

uint32_t ReadU24(const uint8_t* p) { return (uint32_t{p[0]} << 16) | (p[1] << 8) | p[2]; }
uint32_t ReadU32(const uint8_t* p) { return (uint32_t{p[0]} << 24) | ReadU24(p + 1); }

}  // namespace

void FlvFileReader::Feed(std::span<const uint8_t> bytes) {
  if (position_ > 0 && position_ >= buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(position_));
    position_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

std::span<const uint8_t> FlvFileReader::Available() const {
  return std::span<const uint8_t>(buffer_).subspan(position_);
}

// §E.2: "FLV", version, flags, DataOffset; then PreviousTagSize0 (§E.3).
Status FlvFileReader::ReadFileHeader() {
  const auto data = Available();
  if (data.size() < kMinFileHeaderSize) {
    return Status(ErrorCode::kMediaNeedMoreData);
  }
  if (data[0] != 'F' || data[1] != 'L' || data[2] != 'V') {
    return Status(ErrorCode::kMediaMalformed, {}, "FLV file: no FLV signature");
  }
  const uint32_t data_offset = ReadU32(&data[5]);
  if (data_offset < kMinFileHeaderSize || data_offset > kMaxDataOffset) {
    return Status(ErrorCode::kMediaMalformed, {},
                  "FLV file: DataOffset " + std::to_string(data_offset));
  }
  if (data.size() < data_offset + kPreviousTagSizeSize) {
    return Status(ErrorCode::kMediaNeedMoreData);
  }
  position_ += data_offset + kPreviousTagSizeSize;
  header_read_ = true;
  return Status::Ok();
}

Result<FlvTag> FlvFileReader::Next() {
  if (!failure_.ok()) {
    return Error(failure_);
  }
  if (!header_read_) {
    Status status = ReadFileHeader();
    if (!status.ok()) {
      if (status.code() != ErrorCode::kMediaNeedMoreData) failure_ = status;
      return Error(std::move(status));
    }
  }
  while (true) {
    const auto data = Available();
    if (data.size() < kTagHeaderSize) {
      return Error(ErrorCode::kMediaNeedMoreData);
    }
    const uint32_t data_size = ReadU24(&data[1]);
    const size_t total = kTagHeaderSize + data_size + kPreviousTagSizeSize;
    if (data[0] & kReservedBits) {
      failure_ = Status(ErrorCode::kMediaMalformed, {}, "FLV file: reserved tag header bits set");
      return Error(failure_);
    }
    if (data[0] & kFilterBit) {
      failure_ = Status(ErrorCode::kMediaUnsupported, {}, "FLV file: encrypted tag");
      return Error(failure_);
    }
    if (data.size() < total) {
      return Error(ErrorCode::kMediaNeedMoreData);
    }
    position_ += total;
    const auto type = static_cast<FlvTagType>(data[0] & 0x1f);
    if (type != FlvTagType::kAudio && type != FlvTagType::kVideo &&
        type != FlvTagType::kScriptData) {
      continue;
    }
    FlvTag tag;
    tag.type = type;
    tag.timestamp_ms = static_cast<int64_t>(ReadU24(&data[4]) | (uint32_t{data[7]} << 24));
    tag.body.assign(data.begin() + kTagHeaderSize, data.begin() + kTagHeaderSize + data_size);
    return tag;
  }
}

}  // namespace liverec::media::flv
