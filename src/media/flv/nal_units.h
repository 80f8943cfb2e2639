// Helpers for NAL units as FLV and MP4 carry them (ISO/IEC 14496-15 §4.3: each NAL unit
// prefixed by its length in 1, 2 or 4 big-endian bytes). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"

namespace liverec::media::flv {

// The RBSP of a NAL unit: every emulation_prevention_three_byte (the 03 of 00 00 03, ITU-T
// H.264 §7.4.1 / H.265 §7.4.2) removed.
std::vector<uint8_t> RemoveEmulationPrevention(std::span<const uint8_t> nal);

// Rewrites length-prefixed NAL units with `length_size`-byte prefixes (1..4) to 4-byte prefixes,
// checking that the lengths tile `data` exactly. Zero-length NAL units are dropped.
// kMediaMalformed when a length runs past the end.
Result<std::vector<uint8_t>> ToFourByteLengths(std::span<const uint8_t> data, int length_size);

}  // namespace liverec::media::flv
