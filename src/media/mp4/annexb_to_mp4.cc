#include "media/mp4/annexb_to_mp4.h"

#include <cstring>

namespace liverec::media::mp4 {
namespace {

// The position of the next start code at or after `from` (counting a zero byte before
// 00 00 01 as its first byte), or data.size().
size_t FindStartCode(std::span<const uint8_t> data, size_t from) {
  const uint8_t* base = data.data();
  size_t i = from + 2;
  while (i < data.size()) {
    const void* one = std::memchr(base + i, 1, data.size() - i);
    if (one == nullptr) return data.size();
    i = static_cast<size_t>(static_cast<const uint8_t*>(one) - base);
    if (base[i - 1] == 0 && base[i - 2] == 0) {
      const size_t start = i - 2;
      return start > from && base[start - 1] == 0 ? start - 1 : start;
    }
    ++i;
  }
  return data.size();
}

}  // namespace

Result<size_t> AppendLengthPrefixed(std::span<const uint8_t> annexb, UninitBytes& out) {
  const size_t before = out.size();
  size_t p = FindStartCode(annexb, 0);
  if (p == annexb.size()) {
    return Error(ErrorCode::kMediaMalformed, {}, "video frame without an Annex B start code");
  }
  while (true) {
    while (p < annexb.size() && annexb[p++] == 0) {
    }  // the start code's zeros and its 01
    if (p >= annexb.size()) break;
    const size_t end = FindStartCode(annexb, p);
    const size_t length = end - p;
    const size_t at = out.size();
    out.resize(at + 4 + length);
    uint8_t* dst = out.data() + at;
    dst[0] = static_cast<uint8_t>(length >> 24);
    dst[1] = static_cast<uint8_t>(length >> 16);
    dst[2] = static_cast<uint8_t>(length >> 8);
    dst[3] = static_cast<uint8_t>(length);
    std::memcpy(dst + 4, annexb.data() + p, length);
    p = end;
  }
  if (out.size() == before) {
    return Error(ErrorCode::kMediaMalformed, {}, "video frame without a NAL unit");
  }
  return out.size() - before;
}

}  // namespace liverec::media::mp4
