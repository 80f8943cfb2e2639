// Big-endian (network order) byte reading and writing for the RTMP wire formats: chunk headers
// (RTMP specification 1.0 §5.3), protocol control messages (§5.4) and AMF0 (AMF0 spec §2).
// ByteReader never reads past its span: every Read returns false when too few bytes remain and
// then leaves the position unchanged. Plain values; no I/O. Thread-safety: none.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace liverec::media::rtmp {

class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return pos_ == data_.size(); }
  std::span<const uint8_t> Rest() const { return data_.subspan(pos_); }

  bool ReadU8(uint8_t& out) {
    if (remaining() < 1) return false;
    out = data_[pos_++];
    return true;
  }
  bool ReadU16(uint16_t& out) {
    uint64_t v = 0;
    if (!ReadBigEndian(2, v)) return false;
    out = static_cast<uint16_t>(v);
    return true;
  }
  bool ReadU24(uint32_t& out) {
    uint64_t v = 0;
    if (!ReadBigEndian(3, v)) return false;
    out = static_cast<uint32_t>(v);
    return true;
  }
  bool ReadU32(uint32_t& out) {
    uint64_t v = 0;
    if (!ReadBigEndian(4, v)) return false;
    out = static_cast<uint32_t>(v);
    return true;
  }
  // The message stream id of a type-0 chunk message header is little-endian (§5.3.1.2.1).
  bool ReadU32Le(uint32_t& out) {
    if (remaining() < 4) return false;
    out = static_cast<uint32_t>(data_[pos_]) | static_cast<uint32_t>(data_[pos_ + 1]) << 8 |
          static_cast<uint32_t>(data_[pos_ + 2]) << 16 |
          static_cast<uint32_t>(data_[pos_ + 3]) << 24;
    pos_ += 4;
    return true;
  }
  // IEEE 754 double, big-endian (AMF0 number, §2.2).
  bool ReadDouble(double& out) {
    uint64_t v = 0;
    if (!ReadBigEndian(8, v)) return false;
    out = std::bit_cast<double>(v);
    return true;
  }
  bool ReadBytes(size_t n, std::span<const uint8_t>& out) {
    if (remaining() < n) return false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  bool Skip(size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

 private:
  bool ReadBigEndian(size_t n, uint64_t& out) {
    if (remaining() < n) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | data_[pos_ + i];
    pos_ += n;
    out = v;
    return true;
  }

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

inline void AppendU8(std::vector<uint8_t>& out, uint8_t v) { out.push_back(v); }
inline void AppendU16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
inline void AppendU24(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 16));
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
inline void AppendU32(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 24));
  AppendU24(out, v & 0xFFFFFF);
}
inline void AppendU32Le(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
inline void AppendDouble(std::vector<uint8_t>& out, double d) {
  auto v = std::bit_cast<uint64_t>(d);
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
inline void AppendBytes(std::vector<uint8_t>& out, std::span<const uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}
inline void AppendBytes(std::vector<uint8_t>& out, std::string_view bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

inline std::string_view AsStringView(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}
inline std::span<const uint8_t> AsBytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

}  // namespace liverec::media::rtmp
