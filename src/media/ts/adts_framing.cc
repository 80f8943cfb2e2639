#include "media/ts/adts_framing.h"

#include <string>

#include "media/flv/bit_reader.h"

namespace liverec::media::ts {
namespace {

constexpr int kObjectTypeEscape = 31;
constexpr int kObjectTypeSbr = 5;
constexpr int kObjectTypePs = 29;
constexpr uint32_t kFrequencyEscape = 0xf;
constexpr int kMaxAdtsObjectType = 4;  // profile is 2 bits: Main, LC, SSR, LTP
constexpr uint32_t kMaxAdtsChannelConfig = 7;

int ReadObjectType(flv::BitReader& reader) {
  const int type = static_cast<int>(reader.ReadBits(5));
  return type == kObjectTypeEscape ? 32 + static_cast<int>(reader.ReadBits(6)) : type;
}

tl::unexpected<Status> Unsupported(const std::string& what) {
  return Error(ErrorCode::kMediaUnsupported, {}, "AAC in ADTS: " + what);
}

}  // namespace

// AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1): audioObjectType, samplingFrequencyIndex,
// channelConfiguration, and for explicit SBR/PS (§1.6.5.2) the extension frequency and then
// the core object type.
Result<AdtsFraming> AdtsFraming::Create(std::span<const uint8_t> audio_specific_config) {
  flv::BitReader reader(audio_specific_config);
  int object_type = ReadObjectType(reader);
  const uint32_t frequency_index = reader.ReadBits(4);
  const uint32_t channels = reader.ReadBits(4);
  if (!reader.ok()) {
    return Error(ErrorCode::kMediaMalformed, {}, "AudioSpecificConfig: truncated");
  }
  if (frequency_index == kFrequencyEscape) return Unsupported("explicit sampling frequency");
  if (object_type == kObjectTypeSbr || object_type == kObjectTypePs) {
    if (reader.ReadBits(4) == kFrequencyEscape) reader.SkipBits(24);
    object_type = ReadObjectType(reader);
  }
  if (!reader.ok()) {
    return Error(ErrorCode::kMediaMalformed, {}, "AudioSpecificConfig: truncated");
  }
  if (object_type < 1 || object_type > kMaxAdtsObjectType) {
    return Unsupported("audio object type " + std::to_string(object_type));
  }
  if (frequency_index > 12) return Unsupported("reserved sampling frequency index");
  if (channels == 0 || channels > kMaxAdtsChannelConfig) {
    return Unsupported("channel configuration " + std::to_string(channels));
  }
  return AdtsFraming(object_type - 1, static_cast<int>(frequency_index),
                     static_cast<int>(channels));
}

// adts_fixed_header and adts_variable_header (§1.A.2.2.1): syncword, MPEG-4, layer 0, no CRC,
// profile, sampling_frequency_index, channel_configuration, frame_length (header included),
// buffer fullness 0x7ff (variable rate), one raw data block.
std::array<uint8_t, AdtsFraming::kHeaderSize> AdtsFraming::Header(size_t payload_size) const {
  const size_t length = payload_size + kHeaderSize;
  return {0xff,
          0xf1,
          static_cast<uint8_t>((profile_ << 6) | (frequency_index_ << 2) | (channels_ >> 2)),
          static_cast<uint8_t>(((channels_ & 0x3) << 6) | ((length >> 11) & 0x3)),
          static_cast<uint8_t>((length >> 3) & 0xff),
          static_cast<uint8_t>(((length & 0x7) << 5) | 0x1f),
          0xfc};
}

}  // namespace liverec::media::ts
