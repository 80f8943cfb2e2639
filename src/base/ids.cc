#include "base/ids.h"

#include <array>
#include <atomic>
#include <cctype>

#include "base/crypto.h"

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

// The 12-bit rand_a field of the next id: within one millisecond a counter (RFC 9562 §6.2,
// method 1) that starts at a random value below 2048 and counts up, so ids made in the same
// millisecond by this process still sort in the order they were made. Packed (ms << 12 |
// counter) in the one piece of process-wide state liverec keeps: ids must be ordered across
// every caller, whichever Clock and RandomSource each holds.
std::atomic<uint64_t> g_last_id_time{0};

uint64_t NextCounter(uint64_t ms, uint16_t random_start) {
  uint64_t last = g_last_id_time.load(std::memory_order_relaxed);
  for (;;) {
    uint64_t counter = random_start & 0x7ff;
    if ((last >> 12) == ms && (last & 0xfff) < 0xfff) counter = (last & 0xfff) + 1;
    uint64_t next = (ms << 12) | counter;
    if (g_last_id_time.compare_exchange_weak(last, next, std::memory_order_relaxed)) {
      return counter;
    }
  }
}

}  // namespace

std::string NewId(const Clock& clock, RandomSource& random) {
  std::array<uint8_t, 16> b{};
  random.Fill(b);
  auto ms = static_cast<uint64_t>(clock.NowMs()) & 0xffffffffffffULL;
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
  uint64_t counter = NextCounter(ms, static_cast<uint16_t>(b[6] << 8 | b[7]));
  b[6] = static_cast<uint8_t>(0x70 | ((counter >> 8) & 0x0f));  // version 7, rand_a high bits
  b[7] = static_cast<uint8_t>(counter & 0xff);
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

std::string NameBasedId(std::string_view name_space, std::string_view name) {
  std::string bytes;
  for (char c : name_space) {
    if (c == '-') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return "";
    bytes.push_back(c);
  }
  if (bytes.size() != 32) return "";
  std::string input;
  for (size_t i = 0; i < 32; i += 2) {
    input.push_back(static_cast<char>(std::stoi(bytes.substr(i, 2), nullptr, 16)));
  }
  input.append(name);
  std::string digest = Sha256(input);
  std::array<uint8_t, 16> b{};
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(digest[i]);
  b[6] = static_cast<uint8_t>(0x80 | (b[6] & 0x0f));  // version 8
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3f));  // variant 10
  return FormatUuid(b, false);
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
