// BoxWriter: appends the fields of ISO base media file format boxes (ISO/IEC 14496-12 §4.2:
// big-endian integers, four-character types, 32-bit sizes) to a byte buffer that is handed to
// a ByteSink whenever it grows past a bound, so a box of any size is written in bounded memory.
// Box sizes are the caller's: they are computed before the box is written (nothing is patched
// afterwards). Sans-I/O; thread-safety: none.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"
#include "media/byte_sink.h"

namespace liverec::media::mp4 {

class BoxWriter {
 public:
  explicit BoxWriter(ByteSink& sink, size_t flush_bytes = 64 * 1024)
      : sink_(sink), flush_bytes_(flush_bytes) {
    buffer_.reserve(flush_bytes_ + 256);
  }

  void U8(uint8_t v) { buffer_.push_back(v); }
  void U16(uint16_t v) { BigEndian(v, 2); }
  void U24(uint32_t v) { BigEndian(v, 3); }
  void U32(uint32_t v) { BigEndian(v, 4); }
  void U64(uint64_t v) { BigEndian(v, 8); }
  void Zeros(size_t n) { buffer_.insert(buffer_.end(), n, 0); }
  void Bytes(std::span<const uint8_t> bytes) {
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  }
  // A four-character code, e.g. "moov".
  void Type(const char (&type)[5]) {
    for (int i = 0; i < 4; ++i) buffer_.push_back(static_cast<uint8_t>(type[i]));
  }
  // Box header (§4.2: size, type) of a box of `size` bytes, header included (< 2^32).
  void Box(uint64_t size, const char (&type)[5]) {
    U32(static_cast<uint32_t>(size));
    Type(type);
  }
  // FullBox header (§4.2: size, type, version, flags).
  void FullBox(uint64_t size, const char (&type)[5], uint8_t version, uint32_t flags) {
    Box(size, type);
    U8(version);
    U24(flags);
  }

  // Hands the buffer to the sink once it holds `flush_bytes` or more; call between entries.
  Status MaybeFlush() { return buffer_.size() >= flush_bytes_ ? Flush() : Status::Ok(); }
  Status Flush() {
    if (buffer_.empty()) return Status::Ok();
    Status status = sink_.Write(buffer_);
    written_ += buffer_.size();
    buffer_.clear();
    return status;
  }
  // Bytes written so far, the buffered ones included.
  uint64_t position() const { return written_ + buffer_.size(); }

 private:
  void BigEndian(uint64_t v, int bytes) {
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
      buffer_.push_back(static_cast<uint8_t>(v >> shift));
    }
  }

  ByteSink& sink_;
  size_t flush_bytes_;
  std::vector<uint8_t> buffer_;
  uint64_t written_ = 0;
};

}  // namespace liverec::media::mp4
