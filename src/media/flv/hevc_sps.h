// Parses the picture size out of an HEVC sequence parameter set (ITU-T H.265 §7.3.2.2.1): the
// fields up to the conformance window, skipping profile_tier_level (§7.3.3) with sub-layers.
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "base/status.h"
#include "media/flv/video_config_info.h"

namespace liverec::media::flv {

// `nal` is the whole SPS NAL unit (2-byte header included, emulation prevention not removed).
// kMediaMalformed for a truncated or inconsistent SPS, or a NAL unit that is not an SPS.
Result<PictureSize> ParseHevcSpsSize(std::span<const uint8_t> nal);

}  // namespace liverec::media::flv
