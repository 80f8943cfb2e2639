// SampleDescriptionBox: the sample description (stsd, ISO/IEC 14496-12 §8.5.2) of one MP4
// track, as libavformat's MP4 muxer writes it: the codec's sample entry with its decoder
// configuration (avcC, ISO/IEC 14496-15 §5.3.3; hvcC, §8.3.3 under the `hvc1` entry Apple
// players require; esds, ISO/IEC 14496-1 §7.2.6.5, for AAC and MP3). liverec writes the rest
// of the file itself (mp4_file_writer.h); the sample entries, one per codec with every
// codec's own rules, stay libavformat's: a header-only fragmented MP4 is muxed into memory and
// its stsd box taken out.
// Thread-safety: a free function with no shared state.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"

struct AVCodecParameters;

namespace liverec::media::compose {

// `parameters` of the track (for AAC with the AudioSpecificConfig as extradata). For H.264 and
// HEVC without extradata, the parameter sets are taken from `first_keyframe` (Annex B).
// kMuxerFailure when libavformat cannot describe the track.
Result<std::vector<uint8_t>> SampleDescriptionBox(const AVCodecParameters* parameters,
                                                  std::span<const uint8_t> first_keyframe);

}  // namespace liverec::media::compose
