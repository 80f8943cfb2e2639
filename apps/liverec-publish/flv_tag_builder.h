// Builds FLV tag bodies from codec configurations and access units: Adobe FLV spec v10.1
// §E.4.2.1 AUDIODATA/AACAUDIODATA, §E.4.3.1 VIDEODATA/AVCVIDEOPACKET (codec id 7 for H.264,
// and 12 for HEVC by the common convention), and Enhanced RTMP v1 ExVideoTagHeader (IsExHeader
// bit, PacketType SequenceStart/CodedFrames/CodedFramesX, FourCC "hvc1").
// Pure functions. Thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "media/rtmp/amf0.h"

namespace liverec::publish {

enum class VideoTagStyle {
  kAvc,           // codec id 7 (H.264)
  kHevcCodec12,   // codec id 12, AVCVIDEOPACKET layout with an HEVCDecoderConfigurationRecord
  kHevcEnhanced,  // Enhanced RTMP, FourCC "hvc1"
};

inline constexpr uint32_t kFourCcHvc1 = 0x68766331;  // 'h' 'v' 'c' '1'

// The decoder configuration record (avcC / hvcC) as a sequence header tag body.
std::vector<uint8_t> VideoSequenceHeader(VideoTagStyle style, std::span<const uint8_t> record);
// One access unit of length-prefixed NAL units. `composition_ms` = pts - dts.
std::vector<uint8_t> VideoFrame(VideoTagStyle style, bool keyframe, int32_t composition_ms,
                                std::span<const uint8_t> nal_units);
// AAC (sound format 10; rate and type fields 3 and 1, as the spec says for AAC).
std::vector<uint8_t> AacSequenceHeader(std::span<const uint8_t> audio_specific_config);
std::vector<uint8_t> AacFrame(std::span<const uint8_t> raw_frame);

// onMetaData script tag body: "onMetaData" and an ECMA array of `properties`.
std::vector<uint8_t> OnMetaData(std::vector<media::rtmp::Amf0Property> properties);

}  // namespace liverec::publish
