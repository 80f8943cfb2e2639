#include "media/flv/h264_sps.h"

#include <string>
#include <vector>

#include "media/flv/bit_reader.h"
#include "media/flv/nal_units.h"

namespace liverec::media::flv {
namespace {

constexpr int kNalTypeSps = 7;
constexpr uint32_t kMaxMbs = 1024;  // 16384 luma samples: beyond any H.264 level

tl::unexpected<Status> Malformed(std::string detail) {
  return Error(ErrorCode::kMediaMalformed, {}, "H.264 SPS: " + std::move(detail));
}

bool HasChromaFields(uint32_t profile_idc) {
  switch (profile_idc) {
    case 100:
    case 110:
    case 122:
    case 244:
    case 44:
    case 83:
    case 86:
    case 118:
    case 128:
    case 138:
    case 139:
    case 134:
    case 135:
      return true;
    default:
      return false;
  }
}

// scaling_list() of §7.3.2.1.1.1: only read to stay in step. delta_scale must be within
// -128..127 (§7.4.2.1.1.1); anything else is malformed (and would overflow the sum).
Status SkipScalingList(BitReader& reader, int size) {
  int last_scale = 8;
  int next_scale = 8;
  for (int j = 0; j < size && reader.ok(); ++j) {
    if (next_scale != 0) {
      const int32_t delta = reader.ReadSe();
      if (delta < -128 || delta > 127) {
        return Status(ErrorCode::kMediaMalformed, {},
                      "H.264 SPS: delta_scale " + std::to_string(delta));
      }
      next_scale = ((last_scale + delta) % 256 + 256) % 256;
    }
    last_scale = next_scale == 0 ? last_scale : next_scale;
  }
  return Status::Ok();
}

struct ChromaInfo {
  uint32_t chroma_format_idc = 1;
  bool separate_colour_plane = false;
};

// From chroma_format_idc up to the scaling matrix (high profiles only).
Result<ChromaInfo> ReadChromaFields(BitReader& reader) {
  ChromaInfo info;
  info.chroma_format_idc = reader.ReadUe();
  if (info.chroma_format_idc > 3) {
    return Malformed("chroma_format_idc " + std::to_string(info.chroma_format_idc));
  }
  if (info.chroma_format_idc == 3) {
    info.separate_colour_plane = reader.ReadFlag();
  }
  reader.ReadUe();          // bit_depth_luma_minus8
  reader.ReadUe();          // bit_depth_chroma_minus8
  reader.SkipBits(1);       // qpprime_y_zero_transform_bypass_flag
  if (reader.ReadFlag()) {  // seq_scaling_matrix_present_flag
    const int lists = info.chroma_format_idc != 3 ? 8 : 12;
    for (int i = 0; i < lists && reader.ok(); ++i) {
      if (reader.ReadFlag()) {
        LIVEREC_RETURN_IF_ERROR(SkipScalingList(reader, i < 6 ? 16 : 64));
      }
    }
  }
  return info;
}

Status SkipPicOrderCnt(BitReader& reader) {
  const uint32_t type = reader.ReadUe();
  if (type == 0) {
    reader.ReadUe();  // log2_max_pic_order_cnt_lsb_minus4
  } else if (type == 1) {
    reader.SkipBits(1);  // delta_pic_order_always_zero_flag
    reader.ReadSe();     // offset_for_non_ref_pic
    reader.ReadSe();     // offset_for_top_to_bottom_field
    const uint32_t cycle = reader.ReadUe();
    if (cycle > 255) {
      return Malformed("num_ref_frames_in_pic_order_cnt_cycle " + std::to_string(cycle));
    }
    for (uint32_t i = 0; i < cycle && reader.ok(); ++i) {
      reader.ReadSe();
    }
  } else if (type != 2) {
    return Malformed("pic_order_cnt_type " + std::to_string(type));
  }
  return Status::Ok();
}

}  // namespace

Result<PictureSize> ParseH264SpsSize(std::span<const uint8_t> nal) {
  if (nal.empty() || (nal[0] & 0x1f) != kNalTypeSps) {
    return Malformed("not an SPS NAL unit");
  }
  const std::vector<uint8_t> rbsp = RemoveEmulationPrevention(nal.subspan(1));
  BitReader reader(rbsp);
  const uint32_t profile_idc = reader.ReadBits(8);
  reader.SkipBits(16);  // constraint_set flags, reserved_zero_2bits, level_idc
  reader.ReadUe();      // seq_parameter_set_id
  ChromaInfo chroma;
  if (HasChromaFields(profile_idc)) {
    auto info = ReadChromaFields(reader);
    if (!info) return Error(info.error());
    chroma = *info;
  }
  reader.ReadUe();  // log2_max_frame_num_minus4
  LIVEREC_RETURN_IF_ERROR(SkipPicOrderCnt(reader));
  reader.ReadUe();     // max_num_ref_frames
  reader.SkipBits(1);  // gaps_in_frame_num_value_allowed_flag
  const uint32_t width_mbs = reader.ReadUe() + 1;
  const uint32_t height_map_units = reader.ReadUe() + 1;
  const bool frame_mbs_only = reader.ReadFlag();
  if (!frame_mbs_only) {
    reader.SkipBits(1);  // mb_adaptive_frame_field_flag
  }
  reader.SkipBits(1);               // direct_8x8_inference_flag
  uint32_t crop[4] = {0, 0, 0, 0};  // left, right, top, bottom
  if (reader.ReadFlag()) {
    for (uint32_t& c : crop) c = reader.ReadUe();
  }
  if (!reader.ok()) {
    return Malformed("truncated");
  }
  if (width_mbs > kMaxMbs || height_map_units > kMaxMbs) {
    return Malformed("picture size out of range");
  }
  // §7.4.2.1.1, equations 7-19 to 7-22.
  const int frame_height_factor = frame_mbs_only ? 1 : 2;
  const int chroma_array_type =
      chroma.separate_colour_plane ? 0 : static_cast<int>(chroma.chroma_format_idc);
  const int crop_unit_x = chroma_array_type == 0 ? 1 : (chroma_array_type == 3 ? 1 : 2);
  const int crop_unit_y = (chroma_array_type == 1 ? 2 : 1) * frame_height_factor;
  const int64_t width =
      int64_t{width_mbs} * 16 - int64_t{crop_unit_x} * (int64_t{crop[0]} + crop[1]);
  const int64_t height = int64_t{height_map_units} * 16 * frame_height_factor -
                         int64_t{crop_unit_y} * (int64_t{crop[2]} + crop[3]);
  if (width <= 0 || height <= 0) {
    return Malformed("cropping exceeds the picture");
  }
  return PictureSize{static_cast<int>(width), static_cast<int>(height)};
}

}  // namespace liverec::media::flv
