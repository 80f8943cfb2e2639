// Parses an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1), the body of an FLV
// H.264 sequence header: the NAL length size and the picture size of its first SPS.
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "base/status.h"
#include "media/flv/video_config_info.h"

namespace liverec::media::flv {

// kMediaMalformed for a truncated record, a wrong version, no SPS or a bad SPS.
Result<VideoConfigInfo> ParseAvcDecoderConfig(std::span<const uint8_t> record);

}  // namespace liverec::media::flv
