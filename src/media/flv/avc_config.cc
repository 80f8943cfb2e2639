#include "media/flv/avc_config.h"

#include <string>

#include "media/flv/h264_sps.h"

namespace liverec::media::flv {
namespace {

constexpr size_t kHeaderSize = 6;

tl::unexpected<Status> Malformed(std::string detail) {
  return Error(ErrorCode::kMediaMalformed, {}, "AVC config: " + std::move(detail));
}

// Walks `count` parameter sets, each with a 16-bit length, from `pos`; returns the first one.
Result<std::span<const uint8_t>> WalkParameterSets(std::span<const uint8_t> record, size_t& pos,
                                                   int count) {
  std::span<const uint8_t> first;
  for (int i = 0; i < count; ++i) {
    if (record.size() - pos < 2) {
      return Malformed("truncated parameter set length");
    }
    const size_t length = (size_t{record[pos]} << 8) | record[pos + 1];
    pos += 2;
    if (length == 0 || record.size() - pos < length) {
      return Malformed("truncated or empty parameter set");
    }
    if (i == 0) first = record.subspan(pos, length);
    pos += length;
  }
  return first;
}

}  // namespace

Result<VideoConfigInfo> ParseAvcDecoderConfig(std::span<const uint8_t> record) {
  // configurationVersion, AVCProfileIndication, profile_compatibility, AVCLevelIndication,
  // reserved(6) lengthSizeMinusOne(2), reserved(3) numOfSequenceParameterSets(5), SPSs,
  // numOfPictureParameterSets, PPSs; high-profile extension fields after that are ignored.
  if (record.size() < kHeaderSize) {
    return Malformed("truncated header");
  }
  if (record[0] != 1) {
    return Malformed("configurationVersion " + std::to_string(record[0]));
  }
  VideoConfigInfo info;
  info.nal_length_size = (record[4] & 0x03) + 1;
  if (info.nal_length_size == 3) {
    return Malformed("lengthSizeMinusOne 2");
  }
  const int sps_count = record[5] & 0x1f;
  if (sps_count == 0) {
    return Malformed("no SPS");
  }
  size_t pos = kHeaderSize;
  auto sps = WalkParameterSets(record, pos, sps_count);
  if (!sps) return Error(sps.error());
  if (pos >= record.size()) {
    return Malformed("truncated before numOfPictureParameterSets");
  }
  const int pps_count = record[pos++];
  auto pps = WalkParameterSets(record, pos, pps_count);
  if (!pps) return Error(pps.error());
  if (pps_count == 0) {
    return Malformed("no PPS");
  }
  auto size = ParseH264SpsSize(*sps);
  if (!size) return Error(size.error());
  info.size = *size;
  return info;
}

}  // namespace liverec::media::flv
