#include "media/flv/hevc_sps.h"

#include <string>
#include <vector>

#include "media/flv/bit_reader.h"
#include "media/flv/nal_units.h"

namespace liverec::media::flv {
namespace {

constexpr int kNalTypeSps = 33;
constexpr uint32_t kMaxLumaSamples = 16888;  // 8192 * 2 plus slack: beyond any H.265 level
constexpr int kProfileBits = 88;             // profile_space .. general_inbld/reserved (§7.3.3)

tl::unexpected<Status> Malformed(std::string detail) {
  return Error(ErrorCode::kMediaMalformed, {}, "HEVC SPS: " + std::move(detail));
}

// profile_tier_level(1, max_sub_layers_minus1), §7.3.3.
void SkipProfileTierLevel(BitReader& reader, int max_sub_layers_minus1) {
  reader.SkipBits(kProfileBits + 8);  // general profile fields, general_level_idc
  bool profile_present[8] = {};
  bool level_present[8] = {};
  for (int i = 0; i < max_sub_layers_minus1; ++i) {
    profile_present[i] = reader.ReadFlag();
    level_present[i] = reader.ReadFlag();
  }
  if (max_sub_layers_minus1 > 0) {
    reader.SkipBits(static_cast<size_t>(2 * (8 - max_sub_layers_minus1)));  // reserved_zero_2bits
  }
  for (int i = 0; i < max_sub_layers_minus1; ++i) {
    if (profile_present[i]) reader.SkipBits(kProfileBits);
    if (level_present[i]) reader.SkipBits(8);
  }
}

}  // namespace

Result<PictureSize> ParseHevcSpsSize(std::span<const uint8_t> nal) {
  if (nal.size() < 2 || ((nal[0] >> 1) & 0x3f) != kNalTypeSps) {
    return Malformed("not an SPS NAL unit");
  }
  const std::vector<uint8_t> rbsp = RemoveEmulationPrevention(nal.subspan(2));
  BitReader reader(rbsp);
  reader.SkipBits(4);  // sps_video_parameter_set_id
  const int max_sub_layers_minus1 = static_cast<int>(reader.ReadBits(3));
  if (max_sub_layers_minus1 > 6) {
    return Malformed("sps_max_sub_layers_minus1 7");
  }
  reader.SkipBits(1);  // sps_temporal_id_nesting_flag
  SkipProfileTierLevel(reader, max_sub_layers_minus1);
  reader.ReadUe();  // sps_seq_parameter_set_id
  const uint32_t chroma_format_idc = reader.ReadUe();
  if (chroma_format_idc > 3) {
    return Malformed("chroma_format_idc " + std::to_string(chroma_format_idc));
  }
  const bool separate_colour_plane = chroma_format_idc == 3 && reader.ReadFlag();
  const uint32_t width = reader.ReadUe();
  const uint32_t height = reader.ReadUe();
  uint32_t window[4] = {0, 0, 0, 0};  // left, right, top, bottom
  if (reader.ReadFlag()) {            // conformance_window_flag
    for (uint32_t& w : window) w = reader.ReadUe();
  }
  if (!reader.ok()) {
    return Malformed("truncated");
  }
  if (width == 0 || height == 0 || width > kMaxLumaSamples || height > kMaxLumaSamples) {
    return Malformed("picture size out of range");
  }
  // Table 6-1: SubWidthC, SubHeightC (1 when ChromaArrayType is 0 or 3).
  const uint32_t chroma_array_type = separate_colour_plane ? 0 : chroma_format_idc;
  const int64_t sub_width = (chroma_array_type == 1 || chroma_array_type == 2) ? 2 : 1;
  const int64_t sub_height = chroma_array_type == 1 ? 2 : 1;
  const int64_t out_width = int64_t{width} - sub_width * (int64_t{window[0]} + window[1]);
  const int64_t out_height = int64_t{height} - sub_height * (int64_t{window[2]} + window[3]);
  if (out_width <= 0 || out_height <= 0) {
    return Malformed("conformance window exceeds the picture");
  }
  return PictureSize{static_cast<int>(out_width), static_cast<int>(out_height)};
}

}  // namespace liverec::media::flv
