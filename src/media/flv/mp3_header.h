// Parses an MPEG audio frame header (ISO/IEC 11172-3 §2.4.2.3, with the MPEG-2 and MPEG-2.5
// low sampling frequencies): sample rate and channel count of a Layer III frame.
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "base/status.h"

namespace liverec::media::flv {

struct Mp3HeaderInfo {
  int sample_rate = 0;
  int channels = 0;  // 1 for single channel mode, else 2
};

// `frame` starts with the 4-byte header. kMediaMalformed without a sync word or with reserved
// fields; kMediaUnsupported for Layer I/II.
Result<Mp3HeaderInfo> ParseMp3Header(std::span<const uint8_t> frame);

}  // namespace liverec::media::flv
