#include "media/flv/aac_config.h"

#include <string>

#include "media/flv/bit_reader.h"

namespace liverec::media::flv {
namespace {

constexpr int kObjectTypeEscape = 31;
constexpr int kObjectTypeSbr = 5;
constexpr int kObjectTypePs = 29;
constexpr uint32_t kFrequencyEscape = 0xf;

// Table 1.18: samplingFrequencyIndex; 13 and 14 are reserved.
constexpr int kSampleRates[13] = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                  22050, 16000, 12000, 11025, 8000,  7350};
// Table 1.19 (with the 2009 amendment's 11..14): channelConfiguration -> channel count.
constexpr int kChannelCounts[16] = {0, 1, 2, 3, 4, 5, 6, 8, 0, 0, 0, 7, 8, 24, 8, 0};

tl::unexpected<Status> Malformed(std::string detail) {
  return Error(ErrorCode::kMediaMalformed, {}, "AudioSpecificConfig: " + std::move(detail));
}

int ReadObjectType(BitReader& reader) {
  const int type = static_cast<int>(reader.ReadBits(5));
  return type == kObjectTypeEscape ? 32 + static_cast<int>(reader.ReadBits(6)) : type;
}

// samplingFrequencyIndex with its 24-bit escape; 0 for a reserved index.
int ReadSampleRate(BitReader& reader) {
  const uint32_t index = reader.ReadBits(4);
  if (index == kFrequencyEscape) {
    return static_cast<int>(reader.ReadBits(24));
  }
  return index < 13 ? kSampleRates[index] : 0;
}

}  // namespace

Result<AacConfigInfo> ParseAacConfig(std::span<const uint8_t> config) {
  BitReader reader(config);
  AacConfigInfo info;
  info.object_type = ReadObjectType(reader);
  info.sample_rate = ReadSampleRate(reader);
  const uint32_t channel_config = reader.ReadBits(4);
  info.channels = kChannelCounts[channel_config];
  if (info.object_type == kObjectTypeSbr || info.object_type == kObjectTypePs) {
    // Explicit hierarchical signalling (§1.6.5.2): the extension rate is the output rate.
    info.sample_rate = ReadSampleRate(reader);
    if (info.object_type == kObjectTypePs && info.channels == 1) {
      info.channels = 2;
    }
  }
  if (!reader.ok()) {
    return Malformed("truncated");
  }
  if (info.object_type == 0) {
    return Malformed("audioObjectType 0");
  }
  if (info.sample_rate <= 0) {
    return Malformed("reserved sampling frequency");
  }
  return info;
}

}  // namespace liverec::media::flv
