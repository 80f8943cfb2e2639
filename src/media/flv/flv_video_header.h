// Reads the header of an FLV video tag body: the legacy VideoTagHeader (Adobe FLV spec v10.1
// §E.4.3.1, AVCVIDEOPACKET for codec ids 7 and 12) and the Enhanced RTMP v1 ExVideoTagHeader
// (IsExHeader bit, PacketType, FourCC). Says what the tag holds without interpreting it.
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "base/status.h"
#include "media/media_packet.h"

namespace liverec::media::flv {

enum class VideoTagContent {
  kNothing,         // info/command frame, end of sequence, metadata: nothing to record
  kSequenceHeader,  // payload is the decoder configuration record
  kFrame,           // payload is length-prefixed NAL units
};

struct FlvVideoHeader {
  VideoTagContent content = VideoTagContent::kNothing;
  CodecId codec = CodecId::kUnknown;
  bool keyframe = false;             // FrameType 1
  int32_t composition_ms = 0;        // SI24 CompositionTime; 0 for CodedFramesX
  std::span<const uint8_t> payload;  // a view into the body
};

// kMediaUnsupported for codecs other than H.264/HEVC and for MPEG2TSSequenceStart;
// kMediaMalformed for a truncated header or an unknown packet type.
Result<FlvVideoHeader> ReadFlvVideoHeader(std::span<const uint8_t> body);

}  // namespace liverec::media::flv
