// Fills libavcodec's AVCodecParameters from a liverec CodecConfig (stream copy: no decoder
// is opened). Thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "base/status.h"
#include "media/media_packet.h"

struct AVCodecParameters;

namespace liverec::media::ts {

// Sets codec type and id, extradata (copied, padded as libavcodec requires), picture size or
// sample rate and channel layout. kMediaUnsupported for CodecId::kUnknown, kMuxerFailure when
// out of memory.
Status FillCodecParameters(const CodecConfig& config, AVCodecParameters* parameters);

// Replaces the extradata of `parameters` with a copy of `bytes` (padded as libavcodec requires;
// none when empty). kMuxerFailure when out of memory.
Status SetExtradata(AVCodecParameters* parameters, std::span<const uint8_t> bytes);

}  // namespace liverec::media::ts
