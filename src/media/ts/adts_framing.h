// AdtsFraming: the AAC half of liverec's own TS muxer. MPEG-TS carries AAC as ADTS frames
// (ISO/IEC 13818-1 stream_type 0x0f; ISO/IEC 14496-3 §1.A.2.2): a 7-byte header before each
// raw access unit, built from the track's AudioSpecificConfig as libavformat's ADTS writer
// builds it (explicit SBR/PS signalling gives the core object type and rate). Configurations
// ADTS cannot express (an object type above 4, an explicit sampling frequency, a channel
// configuration of 0 that needs a program_config_element) are kMediaUnsupported, and the TS
// writer then takes libavformat's path. Sans-I/O; thread-safety: plain value.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "base/status.h"

namespace liverec::media::ts {

class AdtsFraming {
 public:
  static constexpr size_t kHeaderSize = 7;
  static constexpr size_t kMaxFrameSize = (1 << 13) - 1;  // frame_length is 13 bits

  // kMediaMalformed for a truncated config; kMediaUnsupported as above.
  static Result<AdtsFraming> Create(std::span<const uint8_t> audio_specific_config);

  // The header of a frame carrying `payload_size` bytes (at most kMaxFrameSize - 7).
  std::array<uint8_t, kHeaderSize> Header(size_t payload_size) const;

 private:
  AdtsFraming(int profile, int frequency_index, int channels)
      : profile_(profile), frequency_index_(frequency_index), channels_(channels) {}

  int profile_;  // audio object type - 1
  int frequency_index_;
  int channels_;
};

}  // namespace liverec::media::ts
