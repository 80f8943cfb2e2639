// The NAL units of an H.264 or HEVC access unit in the Annex B byte stream format (ITU-T H.264
// Annex B, H.265 Annex B: start codes 00 00 01 / 00 00 00 01) rewritten as MP4 samples carry
// them (ISO/IEC 14496-15 §4.3.2: each NAL unit after its length in 4 big-endian bytes). A zero
// byte just before a start code belongs to the start code, as in libavformat's
// ff_avc_parse_nal_units, so the samples are byte for byte those libavformat's MP4 muxer
// writes. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "base/default_init_allocator.h"
#include "base/status.h"

namespace liverec::media::mp4 {

// Appends the length-prefixed NAL units of `annexb` to `out` and returns the bytes appended.
// kMediaMalformed when `annexb` has no start code or no NAL unit.
Result<size_t> AppendLengthPrefixed(std::span<const uint8_t> annexb, UninitBytes& out);

}  // namespace liverec::media::mp4
