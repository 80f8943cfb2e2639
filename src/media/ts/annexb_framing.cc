#include "media/ts/annexb_framing.h"

#include <array>
#include <string>

namespace liverec::media::ts {
namespace {

constexpr std::array<uint8_t, 4> kStartCode = {0x00, 0x00, 0x00, 0x01};
// Access unit delimiters with start code: H.264 nal_unit_type 9, primary_pic_type 7 (any
// slice type); HEVC nal_unit_type 35, layer 0, temporal id 1, pic_type 2 (any).
constexpr std::array<uint8_t, 6> kH264Aud = {0x00, 0x00, 0x00, 0x01, 0x09, 0xf0};
constexpr std::array<uint8_t, 7> kHevcAud = {0x00, 0x00, 0x00, 0x01, 0x46, 0x01, 0x50};
constexpr int kH264AudType = 9;
constexpr int kH264SpsType = 7;
constexpr int kHevcAudType = 35;
constexpr int kHevcVpsType = 32;
constexpr int kHevcSpsType = 33;
constexpr size_t kAvcHeaderSize = 5;    // version, profile, compatibility, level, length size
constexpr size_t kHevcHeaderSize = 22;  // up to lengthSizeMinusOne, before numOfArrays

tl::unexpected<Status> BadRecord(const std::string& what) {
  return Error(ErrorCode::kMuxerFailure, {}, "decoder configuration record: " + what);
}

// Reads `count` NAL units, each after a 16-bit length, appending them in Annex B to `out`.
Status ReadNalUnits(std::span<const uint8_t> record, size_t& pos, size_t count,
                    std::vector<uint8_t>& out) {
  for (size_t i = 0; i < count; ++i) {
    if (record.size() - pos < 2) return BadRecord("truncated NAL unit length");
    const size_t length = (size_t{record[pos]} << 8) | record[pos + 1];
    pos += 2;
    if (record.size() - pos < length) return BadRecord("truncated NAL unit");
    if (length == 0) continue;
    out.insert(out.end(), kStartCode.begin(), kStartCode.end());
    out.insert(out.end(), record.begin() + pos, record.begin() + pos + length);
    pos += length;
  }
  return Status::Ok();
}

// AVCDecoderConfigurationRecord (§5.3.3.1): the SPSs, then the PPSs.
Result<std::vector<uint8_t>> AvcParameterSets(std::span<const uint8_t> record) {
  if (record.size() < kAvcHeaderSize + 1 || record[0] != 1) return BadRecord("AVC header");
  std::vector<uint8_t> out;
  size_t pos = kAvcHeaderSize + 1;
  LIVEREC_RETURN_IF_ERROR(ReadNalUnits(record, pos, record[kAvcHeaderSize] & 0x1f, out));
  if (out.empty()) return BadRecord("no SPS");
  if (pos >= record.size()) return BadRecord("truncated before the PPS count");
  const size_t pps_count = record[pos++];
  LIVEREC_RETURN_IF_ERROR(ReadNalUnits(record, pos, pps_count, out));
  return out;
}

// HEVCDecoderConfigurationRecord (§8.3.3.1): every array (VPS, SPS, PPS, SEI) in order.
Result<std::vector<uint8_t>> HevcParameterSets(std::span<const uint8_t> record) {
  if (record.size() < kHevcHeaderSize + 1 || record[0] != 1) return BadRecord("HEVC header");
  std::vector<uint8_t> out;
  size_t pos = kHevcHeaderSize + 1;
  for (size_t array = 0; array < record[kHevcHeaderSize]; ++array) {
    if (record.size() - pos < 3) return BadRecord("truncated NAL unit array");
    const size_t count = (size_t{record[pos + 1]} << 8) | record[pos + 2];
    pos += 3;
    LIVEREC_RETURN_IF_ERROR(ReadNalUnits(record, pos, count, out));
  }
  if (out.empty()) return BadRecord("no parameter sets");
  return out;
}

}  // namespace

Result<AnnexbFraming> AnnexbFraming::Create(const CodecConfig& config) {
  if (config.codec != CodecId::kH264 && config.codec != CodecId::kHevc) {
    return Error(ErrorCode::kMediaUnsupported, {}, "Annex B framing of a non-video codec");
  }
  const bool hevc = config.codec == CodecId::kHevc;
  auto sets = hevc ? HevcParameterSets(config.extradata) : AvcParameterSets(config.extradata);
  if (!sets) return Error(sets.error());
  return AnnexbFraming(hevc, std::move(*sets));
}

int AnnexbFraming::NalType(uint8_t first_byte) const {
  return hevc_ ? (first_byte >> 1) & 0x3f : first_byte & 0x1f;
}

Status AnnexbFraming::Frame(std::span<const uint8_t> data, bool keyframe,
                            std::vector<std::span<const uint8_t>>& pieces) const {
  pieces.clear();
  // The NAL units first, as two pieces each (start code, unit), checking that they tile `data`.
  bool has_aud = false;
  bool has_parameter_sets = false;
  size_t pos = 0;
  while (pos < data.size()) {
    if (data.size() - pos < 4) return Status(ErrorCode::kMediaMalformed, {}, "NAL length");
    const size_t length = (size_t{data[pos]} << 24) | (size_t{data[pos + 1]} << 16) |
                          (size_t{data[pos + 2]} << 8) | data[pos + 3];
    pos += 4;
    if (data.size() - pos < length) {
      return Status(ErrorCode::kMediaMalformed, {}, "NAL unit runs past the packet");
    }
    if (length == 0) continue;
    const int type = NalType(data[pos]);
    if (pieces.empty()) has_aud = type == (hevc_ ? kHevcAudType : kH264AudType);
    has_parameter_sets |=
        hevc_ ? type == kHevcVpsType || type == kHevcSpsType : type == kH264SpsType;
    pieces.emplace_back(kStartCode);
    pieces.push_back(data.subspan(pos, length));
    pos += length;
  }
  // Then what goes in front: the delimiter, and after it the parameter sets of a keyframe.
  size_t front = 0;
  std::array<std::span<const uint8_t>, 2> prefix;
  if (!has_aud) {
    prefix[front++] =
        hevc_ ? std::span<const uint8_t>(kHevcAud) : std::span<const uint8_t>(kH264Aud);
  }
  if (keyframe && !has_parameter_sets) prefix[front++] = parameter_sets_;
  // With an AUD of its own, the parameter sets go after it (pieces 0 and 1).
  const size_t at = has_aud ? 2 : 0;
  pieces.insert(pieces.begin() + static_cast<std::ptrdiff_t>(at), prefix.begin(),
                prefix.begin() + static_cast<std::ptrdiff_t>(front));
  return Status::Ok();
}

}  // namespace liverec::media::ts
