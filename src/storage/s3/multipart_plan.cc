#include "storage/s3/multipart_plan.h"

#include <algorithm>

namespace liverec::storage {

bool UsesMultipart(uint64_t size, uint64_t part_size) { return size > part_size; }

uint64_t EffectivePartSize(uint64_t size, uint64_t part_size) {
  constexpr uint64_t kMiB = 1024 * 1024;
  uint64_t effective = std::clamp(part_size, kMinPartBytes, kMaxPartBytes);
  if ((size + effective - 1) / effective > kMaxParts) {
    uint64_t needed = (size + kMaxParts - 1) / kMaxParts;
    effective = std::min((needed + kMiB - 1) / kMiB * kMiB, kMaxPartBytes);
  }
  return effective;
}

std::vector<PartRange> PlanParts(uint64_t size, uint64_t part_size) {
  uint64_t part = EffectivePartSize(size, part_size);
  std::vector<PartRange> parts;
  parts.reserve(static_cast<size_t>((size + part - 1) / part));
  for (uint64_t offset = 0; offset < size; offset += part) {
    parts.push_back({static_cast<int>(parts.size() + 1), offset, std::min(part, size - offset)});
  }
  return parts;
}

}  // namespace liverec::storage
