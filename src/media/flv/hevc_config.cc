#include "media/flv/hevc_config.h"

#include <optional>
#include <string>

#include "media/flv/hevc_sps.h"

namespace liverec::media::flv {
namespace {

constexpr size_t kHeaderSize = 23;  // up to and including numOfArrays
constexpr int kNalTypeSps = 33;

tl::unexpected<Status> Malformed(std::string detail) {
  return Error(ErrorCode::kMediaMalformed, {}, "HEVC config: " + std::move(detail));
}

uint16_t ReadU16(std::span<const uint8_t> data, size_t pos) {
  return static_cast<uint16_t>((data[pos] << 8) | data[pos + 1]);
}

// Walks all NAL unit arrays; returns the first SPS, or nullopt when there is none.
Result<std::optional<std::span<const uint8_t>>> FindFirstSps(std::span<const uint8_t> record) {
  std::optional<std::span<const uint8_t>> sps;
  const int array_count = record[kHeaderSize - 1];
  size_t pos = kHeaderSize;
  for (int a = 0; a < array_count; ++a) {
    if (record.size() - pos < 3) {
      return Malformed("truncated array header");
    }
    const int nal_type = record[pos] & 0x3f;
    const int nal_count = ReadU16(record, pos + 1);
    pos += 3;
    for (int n = 0; n < nal_count; ++n) {
      if (record.size() - pos < 2) {
        return Malformed("truncated NAL unit length");
      }
      const size_t length = ReadU16(record, pos);
      pos += 2;
      if (length == 0 || record.size() - pos < length) {
        return Malformed("truncated or empty NAL unit");
      }
      if (nal_type == kNalTypeSps && !sps) {
        sps = record.subspan(pos, length);
      }
      pos += length;
    }
  }
  return sps;
}

}  // namespace

Result<VideoConfigInfo> ParseHevcDecoderConfig(std::span<const uint8_t> record) {
  if (record.size() < kHeaderSize) {
    return Malformed("truncated header");
  }
  if (record[0] != 1) {
    return Malformed("configurationVersion " + std::to_string(record[0]));
  }
  VideoConfigInfo info;
  // constantFrameRate(2) numTemporalLayers(3) temporalIdNested(1) lengthSizeMinusOne(2).
  info.nal_length_size = (record[21] & 0x03) + 1;
  if (info.nal_length_size == 3) {
    return Malformed("lengthSizeMinusOne 2");
  }
  auto sps = FindFirstSps(record);
  if (!sps) {
    return Error(sps.error());
  }
  if (!*sps) {
    return Malformed("no SPS");
  }
  auto size = ParseHevcSpsSize(**sps);
  if (!size) {
    return Error(size.error());
  }
  info.size = *size;
  return info;
}

}  // namespace liverec::media::flv
