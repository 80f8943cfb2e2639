#include "media/flv/mp3_header.h"

#include <string>

namespace liverec::media::flv {
namespace {

constexpr uint32_t kVersionMpeg25 = 0;
constexpr uint32_t kVersionReserved = 1;
constexpr uint32_t kVersionMpeg2 = 2;
constexpr uint32_t kLayer3 = 1;
constexpr uint32_t kBitrateBad = 15;
constexpr uint32_t kModeSingleChannel = 3;
constexpr int kMpeg1SampleRates[3] = {44100, 48000, 32000};

tl::unexpected<Status> Malformed(std::string detail) {
  return Error(ErrorCode::kMediaMalformed, {}, "MP3 header: " + std::move(detail));
}

}  // namespace

Result<Mp3HeaderInfo> ParseMp3Header(std::span<const uint8_t> frame) {
  if (frame.size() < 4) {
    return Malformed("truncated");
  }
  const uint32_t header = (uint32_t{frame[0]} << 24) | (uint32_t{frame[1]} << 16) |
                          (uint32_t{frame[2]} << 8) | frame[3];
  if ((header >> 21) != 0x7ff) {
    return Malformed("no frame sync");
  }
  const uint32_t version = (header >> 19) & 3;
  const uint32_t layer = (header >> 17) & 3;
  const uint32_t bitrate_index = (header >> 12) & 0xf;
  const uint32_t rate_index = (header >> 10) & 3;
  const uint32_t mode = (header >> 6) & 3;
  if (version == kVersionReserved || layer == 0 || bitrate_index == kBitrateBad ||
      rate_index == 3) {
    return Malformed("reserved field value");
  }
  if (layer != kLayer3) {
    return Error(ErrorCode::kMediaUnsupported, {}, "MPEG audio layer other than III");
  }
  Mp3HeaderInfo info;
  info.sample_rate = kMpeg1SampleRates[rate_index];
  if (version == kVersionMpeg2) {
    info.sample_rate /= 2;
  } else if (version == kVersionMpeg25) {
    info.sample_rate /= 4;
  }
  info.channels = mode == kModeSingleChannel ? 1 : 2;
  return info;
}

}  // namespace liverec::media::flv
