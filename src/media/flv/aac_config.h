// Parses an AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1), the body of an FLV AAC sequence
// header: audio object type, sampling frequency and channel count. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "base/status.h"

namespace liverec::media::flv {

struct AacConfigInfo {
  int object_type = 0;  // 2 = AAC LC, 5 = SBR (HE-AAC), 29 = PS (HE-AAC v2), ...
  int sample_rate = 0;  // output rate: the SBR extension rate when signalled explicitly
  int channels = 0;     // 0 when channelConfiguration is 0 (a program_config_element decides)
};

// kMediaMalformed for a truncated config or a reserved sampling frequency index.
Result<AacConfigInfo> ParseAacConfig(std::span<const uint8_t> config);

}  // namespace liverec::media::flv
