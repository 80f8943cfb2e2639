// BitReader: reads big-endian bit fields and Exp-Golomb codes (ITU-T H.264 §9.1, H.265 §9.2)
// from an RBSP, i.e. a NAL unit payload with emulation-prevention bytes already removed
// (see nal_units.h).
//
// Reads past the end never touch memory outside the buffer: they yield zeros and set a sticky
// overrun flag, so a parser can read a whole structure and check ok() once at the end (and
// before any loop whose bound came from the stream). Thread-safety: none; a plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace liverec::media::flv {

class BitReader {
 public:
  explicit BitReader(std::span<const uint8_t> data) : data_(data) {}

  // Reads `count` bits (0..32), most significant first.
  uint32_t ReadBits(int count);
  bool ReadFlag() { return ReadBits(1) != 0; }
  void SkipBits(size_t count);
  // ue(v): unsigned Exp-Golomb; codes longer than 32 bits set the overrun flag and yield 0.
  uint32_t ReadUe();
  // se(v): signed Exp-Golomb.
  int32_t ReadSe();

  // False once any read went past the end (or met an over-long Exp-Golomb code).
  bool ok() const { return ok_; }
  size_t BitsLeft() const { return ok_ ? data_.size() * 8 - position_ : 0; }

 private:
  std::span<const uint8_t> data_;
  size_t position_ = 0;  // in bits
  bool ok_ = true;
};

}  // namespace liverec::media::flv
