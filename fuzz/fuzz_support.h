// Helpers shared by the libFuzzer targets of fuzz/ (docs/fuzzing.md): checks that abort (so
// libFuzzer reports a broken property as a crash, with the input), quiet logs, and the splitting
// of one input into the pieces a socket or a file read would deliver.
// Test-only code; header-only. Thread-safety: none (libFuzzer runs one input at a time).
#pragma once

#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

// A property of the code under test: when it does not hold, the input is a finding.
#define FUZZ_CHECK(condition)                                                                 \
  do {                                                                                        \
    if (!(condition)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)

namespace liverec::fuzz {

// Logging off: the targets feed garbage by design, and every refusal is logged.
inline void QuietLogs() { spdlog::set_level(spdlog::level::off); }

// Cuts `data` into consecutive pieces whose sizes follow from `seed` (1..max_piece bytes each):
// the same bytes, split as reads from a socket might split them. Deterministic per input.
inline std::vector<std::span<const uint8_t>> SplitPieces(std::span<const uint8_t> data,
                                                         uint32_t seed, size_t max_piece = 4096) {
  std::vector<std::span<const uint8_t>> pieces;
  uint32_t state = seed * 2654435761u + 1;
  while (!data.empty()) {
    state = state * 1664525u + 1013904223u;
    size_t size = 1 + (state >> 8) % max_piece;
    if (size > data.size()) size = data.size();
    pieces.push_back(data.first(size));
    data = data.subspan(size);
  }
  return pieces;
}

}  // namespace liverec::fuzz
