#include "base/random.h"

#include <cstdlib>
#include <cstring>

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

namespace liverec {

uint64_t RandomSource::NextU64() {
  uint8_t bytes[8];
  Fill(bytes);
  uint64_t value;
  std::memcpy(&value, bytes, sizeof(value));
  return value;
}

void OsRandom::Fill(std::span<uint8_t> out) {
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    // Without randomness we cannot make safe ids or keys: an internal impossibility.
    spdlog::critical("RAND_bytes failed; cannot continue without a random source");
    std::abort();
  }
}

void SeededRandom::Fill(std::span<uint8_t> out) {
  for (auto& byte : out) byte = static_cast<uint8_t>(engine_() & 0xff);
}

}  // namespace liverec
