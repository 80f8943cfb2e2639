#include "base/ids.h"

#include <array>
#include <cctype>

namespace liverec {
namespace {

std::string FormatUuid(const std::array<uint8_t, 16>& b, bool upper) {
  static constexpr char kLower[] = "0123456789abcdef";
  static constexpr char kUpper[] = "0123456789ABCDEF";
  const char* digits = upper ? kUpper : kLower;
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(digits[b[i] >> 4]);
    out.push_back(digits[b[i] & 0xf]);
  }
  return out;
}

}  // namespace

std::string NewId(const Clock& clock, RandomSource& random) {
  std::array<uint8_t, 16> b{};
  random.Fill(b);
  auto ms = static_cast<uint64_t>(clock.NowMs());
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
  b[6] = static_cast<uint8_t>(0x70 | (b[6] & 0x0f));  // version 7
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3f));  // variant 10
  return FormatUuid(b, false);
}

std::string NewRequestId(RandomSource& random) {
  std::array<uint8_t, 16> b{};
  random.Fill(b);
  b[6] = static_cast<uint8_t>(0x40 | (b[6] & 0x0f));  // version 4
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3f));
  return FormatUuid(b, true);
}

std::string RandomAlphanumeric(RandomSource& random, size_t length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  constexpr size_t kSize = sizeof(kAlphabet) - 1;  // 62
  std::string out;
  out.reserve(length);
  while (out.size() < length) {
    uint8_t byte;
    random.Fill({&byte, 1});
    if (byte >= 248) continue;  // 248 = 4 * 62: reject to stay uniform
    out.push_back(kAlphabet[byte % kSize]);
  }
  return out;
}

}  // namespace liverec
