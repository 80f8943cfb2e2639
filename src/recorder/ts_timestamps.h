// TsTimestampScanner: the first and last PES presentation times in an MPEG-TS byte stream
// (ISO/IEC 13818-1 §2.4.3.2 transport packets, §2.4.3.6 PES headers), fed in pieces. Used to
// measure a slice torn by a crash. Sans-I/O; thread-safety: none.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace liverec::recorder {

class TsTimestampScanner {
 public:
  void Feed(std::span<const uint8_t> bytes);
  // Milliseconds between the smallest and the largest PTS seen (0 if fewer than two).
  int64_t SpanMs() const;
  bool empty() const { return !min_pts_; }

 private:
  void Packet(const uint8_t* p);
  std::vector<uint8_t> carry_;
  std::optional<int64_t> min_pts_;
  std::optional<int64_t> max_pts_;
};

}  // namespace liverec::recorder
