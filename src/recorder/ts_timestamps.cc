#include "recorder/ts_timestamps.h"

#include <algorithm>

namespace liverec::recorder {

void TsTimestampScanner::Feed(std::span<const uint8_t> bytes) {
  carry_.insert(carry_.end(), bytes.begin(), bytes.end());
  size_t pos = 0;
  while (carry_.size() - pos >= 188) {
    if (carry_[pos] != 0x47) {  // lost sync: look for the next sync byte
      ++pos;
      continue;
    }
    Packet(&carry_[pos]);
    pos += 188;
  }
  carry_.erase(carry_.begin(), carry_.begin() + static_cast<std::ptrdiff_t>(pos));
}

void TsTimestampScanner::Packet(const uint8_t* p) {
  bool unit_start = p[1] & 0x40;
  int adaptation = (p[3] >> 4) & 0x3;
  if (!unit_start || !(adaptation & 0x1)) return;
  size_t offset = 4;
  if (adaptation & 0x2) offset += 1 + p[4];
  if (offset + 14 > 188) return;
  const uint8_t* pes = p + offset;
  if (pes[0] != 0 || pes[1] != 0 || pes[2] != 1) return;
  if (!(pes[7] & 0x80)) return;  // no PTS
  const uint8_t* t = pes + 9;
  int64_t pts = (int64_t{t[0] & 0x0e} << 29) | (int64_t{t[1]} << 22) |
                (int64_t{t[2] & 0xfe} << 14) | (int64_t{t[3]} << 7) | (int64_t{t[4]} >> 1);
  min_pts_ = min_pts_ ? std::min(*min_pts_, pts) : pts;
  max_pts_ = max_pts_ ? std::max(*max_pts_, pts) : pts;
}

int64_t TsTimestampScanner::SpanMs() const {
  if (!min_pts_ || !max_pts_) return 0;
  return (*max_pts_ - *min_pts_) / 90;
}

}  // namespace liverec::recorder
