#include "media/flv/nal_units.h"

#include <string>

namespace liverec::media::flv {

std::vector<uint8_t> RemoveEmulationPrevention(std::span<const uint8_t> nal) {
  std::vector<uint8_t> rbsp;
  rbsp.reserve(nal.size());
  int zeros = 0;
  for (const uint8_t byte : nal) {
    if (zeros >= 2 && byte == 0x03) {
      zeros = 0;
      continue;
    }
    zeros = byte == 0 ? zeros + 1 : 0;
    rbsp.push_back(byte);
  }
  return rbsp;
}

Result<std::vector<uint8_t>> ToFourByteLengths(std::span<const uint8_t> data, int length_size) {
  if (length_size < 1 || length_size > 4) {
    return Error(ErrorCode::kMediaMalformed, {}, "NAL length size " + std::to_string(length_size));
  }
  std::vector<uint8_t> out;
  out.reserve(data.size() + data.size() / 64 * (4 - length_size));
  size_t pos = 0;
  while (pos < data.size()) {
    if (data.size() - pos < static_cast<size_t>(length_size)) {
      return Error(ErrorCode::kMediaMalformed, {}, "truncated NAL unit length");
    }
    uint32_t length = 0;
    for (int i = 0; i < length_size; ++i) {
      length = (length << 8) | data[pos++];
    }
    if (length > data.size() - pos) {
      return Error(ErrorCode::kMediaMalformed, {}, "NAL unit runs past the end of the frame");
    }
    if (length == 0) {
      continue;
    }
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.push_back(static_cast<uint8_t>(length >> shift));
    }
    const auto nal = data.subspan(pos, length);
    out.insert(out.end(), nal.begin(), nal.end());
    pos += length;
  }
  return out;
}

}  // namespace liverec::media::flv
