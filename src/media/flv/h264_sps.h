// Parses the picture size out of an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1):
// the fields up to frame_cropping, including scaling lists and pic_order_cnt variants.
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "base/status.h"
#include "media/flv/video_config_info.h"

namespace liverec::media::flv {

// `nal` is the whole SPS NAL unit (header byte included, emulation prevention not yet removed).
// kMediaMalformed for a truncated or inconsistent SPS, or a NAL unit that is not an SPS.
Result<PictureSize> ParseH264SpsSize(std::span<const uint8_t> nal);

}  // namespace liverec::media::flv
