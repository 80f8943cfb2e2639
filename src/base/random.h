// RandomSource: the one source of randomness (ids, nonces, keys). Production uses the OS CSPRNG;
// tests may pass a SeededRandom for repeatable output.
// Thread-safety: OsRandom is safe from any thread; SeededRandom is not.
#pragma once

#include <cstdint>
#include <random>
#include <span>

namespace liverec {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual void Fill(std::span<uint8_t> out) = 0;
  uint64_t NextU64();
};

// Cryptographically strong bytes from OpenSSL's RAND_bytes.
class OsRandom final : public RandomSource {
 public:
  void Fill(std::span<uint8_t> out) override;
};

// Deterministic bytes for tests. Not for secrets.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : engine_(seed) {}
  void Fill(std::span<uint8_t> out) override;

 private:
  std::mt19937_64 engine_;
};

}  // namespace liverec
