#include "recorder/ts_timestamps.h"

#include <random>

#include <gtest/gtest.h>

namespace liverec::recorder {
namespace {

// One 188-byte TS packet starting a PES with the given 33-bit PTS (ISO/IEC 13818-1 §2.4.3.7).
std::vector<uint8_t> PesPacket(int64_t pts) {
  std::vector<uint8_t> p(188, 0xff);
  p[0] = 0x47;
  p[1] = 0x40 | 0x01;  // payload_unit_start, PID 0x100
  p[2] = 0x00;
  p[3] = 0x10;  // payload only
  uint8_t* pes = &p[4];
  pes[0] = 0;
  pes[1] = 0;
  pes[2] = 1;
  pes[3] = 0xe0;
  pes[4] = pes[5] = 0;
  pes[6] = 0x80;
  pes[7] = 0x80;  // PTS only
  pes[8] = 5;
  pes[9] = static_cast<uint8_t>(0x21 | ((pts >> 29) & 0x0e));
  pes[10] = static_cast<uint8_t>(pts >> 22);
  pes[11] = static_cast<uint8_t>(0x01 | ((pts >> 14) & 0xfe));
  pes[12] = static_cast<uint8_t>(pts >> 7);
  pes[13] = static_cast<uint8_t>(0x01 | ((pts << 1) & 0xfe));
  return p;
}

TEST(TsTimestampScannerTest, SpanIsLargestMinusSmallestPtsInAnySplit) {
  std::vector<uint8_t> bytes;
  for (int64_t pts : {900'000, 990'000, 945'000, 1'800'000}) {
    auto p = PesPacket(pts);
    bytes.insert(bytes.end(), p.begin(), p.end());
  }
  for (size_t split : {size_t{1}, size_t{100}, size_t{188}, size_t{500}}) {
    TsTimestampScanner scanner;
    for (size_t i = 0; i < bytes.size(); i += split) {
      scanner.Feed(std::span(bytes).subspan(i, std::min(split, bytes.size() - i)));
    }
    EXPECT_EQ(scanner.SpanMs(), 10'000) << "split " << split;
  }
}

TEST(TsTimestampScannerTest, TruncatedAndRandomInputNeverCrashes) {
  auto packet = PesPacket(123'456);
  for (size_t n = 0; n < packet.size(); ++n) {
    TsTimestampScanner scanner;
    scanner.Feed(std::span(packet).first(n));
    EXPECT_TRUE(scanner.empty());
  }
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<uint8_t> noise(1 + random() % 4000);
    for (auto& b : noise) b = static_cast<uint8_t>(random());
    TsTimestampScanner scanner;
    scanner.Feed(noise);
    EXPECT_GE(scanner.SpanMs(), 0);
  }
}

}  // namespace
}  // namespace liverec::recorder
