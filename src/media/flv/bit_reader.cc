#include "media/flv/bit_reader.h"

namespace liverec::media::flv {

uint32_t BitReader::ReadBits(int count) {
  if (!ok_ || count < 0 || count > 32 || BitsLeft() < static_cast<size_t>(count)) {
    ok_ = false;
    return 0;
  }
  uint32_t value = 0;
  for (int i = 0; i < count; ++i) {
    const uint8_t byte = data_[position_ / 8];
    value = (value << 1) | ((byte >> (7 - position_ % 8)) & 1u);
    ++position_;
  }
  return value;
}

void BitReader::SkipBits(size_t count) {
  if (!ok_ || BitsLeft() < count) {
    ok_ = false;
    return;
  }
  position_ += count;
}

uint32_t BitReader::ReadUe() {
  int leading_zeros = 0;
  while (ok_ && !ReadFlag()) {
    if (++leading_zeros > 31) {
      ok_ = false;
    }
  }
  if (!ok_) {
    return 0;
  }
  // 2^n - 1 + bits; computed in 64 bits since n = 31 overflows the 32-bit sum only in theory.
  const uint64_t value = (uint64_t{1} << leading_zeros) - 1 + ReadBits(leading_zeros);
  if (!ok_ || value > UINT32_MAX) {
    ok_ = false;
    return 0;
  }
  return static_cast<uint32_t>(value);
}

int32_t BitReader::ReadSe() {
  const uint32_t code = ReadUe();
  // H.264 Table 9-3: 1 -> 1, 2 -> -1, 3 -> 2, 4 -> -2, ...
  const int64_t magnitude = (static_cast<int64_t>(code) + 1) / 2;
  return static_cast<int32_t>((code & 1) ? magnitude : -magnitude);
}

}  // namespace liverec::media::flv
