// How a file is cut into the parts of an S3 multipart upload. S3's rules: parts 1..10,000,
// each 5 MiB to 5 GiB except the last, which may be smaller. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace liverec::storage {

inline constexpr uint64_t kMinPartBytes = uint64_t{5} * 1024 * 1024;
inline constexpr uint64_t kMaxPartBytes = uint64_t{5} * 1024 * 1024 * 1024;
inline constexpr uint64_t kMaxParts = 10'000;

struct PartRange {
  int number = 0;  // 1-based
  uint64_t offset = 0;
  uint64_t length = 0;
  bool operator==(const PartRange&) const = default;
};

// Whether a file of `size` bytes goes up in parts: when it is larger than one part.
bool UsesMultipart(uint64_t size, uint64_t part_size);

// The part size used for `size` bytes: `part_size` clamped to S3's limits, grown in whole MiB
// when 10,000 parts of it would not hold the file.
uint64_t EffectivePartSize(uint64_t size, uint64_t part_size);

// The parts of a file of `size` bytes (> 0), in order, covering it exactly.
std::vector<PartRange> PlanParts(uint64_t size, uint64_t part_size);

}  // namespace liverec::storage
