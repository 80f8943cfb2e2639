#include "media/flv/flv_video_header.h"

#include <string>

namespace liverec::media::flv {
namespace {

constexpr uint8_t kExHeaderBit = 0x80;
constexpr int kFrameTypeKey = 1;
constexpr int kFrameTypeCommand = 5;  // "video info/command frame"
constexpr int kCodecIdAvc = 7;
constexpr int kCodecIdHevc = 12;  // the pre-Enhanced-RTMP convention (e.g. SRS, OBS forks)

// AVCPacketType (§E.4.3.1).
constexpr int kAvcSequenceHeader = 0;
constexpr int kAvcNalu = 1;
constexpr int kAvcEndOfSequence = 2;

// Enhanced RTMP v1 PacketType.
enum ExPacketType {
  kSequenceStart = 0,
  kCodedFrames = 1,
  kSequenceEnd = 2,
  kCodedFramesX = 3,
  kMetadata = 4,
  kMpeg2TsSequenceStart = 5,
};

tl::unexpected<Status> Malformed(std::string detail) {
  return Error(ErrorCode::kMediaMalformed, {}, "FLV video tag: " + std::move(detail));
}

int32_t ReadSi24(std::span<const uint8_t> p) {
  const int32_t value = (p[0] << 16) | (p[1] << 8) | p[2];
  return (value & 0x800000) ? value - 0x1000000 : value;
}

Result<FlvVideoHeader> ReadLegacyHeader(std::span<const uint8_t> body) {
  FlvVideoHeader header;
  const int frame_type = body[0] >> 4;
  const int codec_id = body[0] & 0x0f;
  if (frame_type == kFrameTypeCommand) {
    return header;
  }
  if (codec_id != kCodecIdAvc && codec_id != kCodecIdHevc) {
    return Error(ErrorCode::kMediaUnsupported, {},
                 "FLV video codec id " + std::to_string(codec_id));
  }
  if (body.size() < 5) {
    return Malformed("truncated AVCVIDEOPACKET header");
  }
  header.codec = codec_id == kCodecIdAvc ? CodecId::kH264 : CodecId::kHevc;
  header.keyframe = frame_type == kFrameTypeKey;
  header.payload = body.subspan(5);
  switch (body[1]) {
    case kAvcSequenceHeader:
      header.content = VideoTagContent::kSequenceHeader;
      return header;
    case kAvcNalu:
      header.content = VideoTagContent::kFrame;
      header.composition_ms = ReadSi24(body.subspan(2));
      return header;
    case kAvcEndOfSequence:
      header.content = VideoTagContent::kNothing;
      return header;
    default:
      return Malformed("AVCPacketType " + std::to_string(body[1]));
  }
}

Result<CodecId> CodecFromFourCc(std::span<const uint8_t> fourcc) {
  const std::string name(fourcc.begin(), fourcc.end());
  if (name == "hvc1") return CodecId::kHevc;
  if (name == "avc1") return CodecId::kH264;
  return Error(ErrorCode::kMediaUnsupported, {}, "Enhanced RTMP FourCC " + name);
}

Result<FlvVideoHeader> ReadExHeader(std::span<const uint8_t> body) {
  FlvVideoHeader header;
  const int frame_type = (body[0] >> 4) & 0x07;
  const int packet_type = body[0] & 0x0f;
  if (frame_type == kFrameTypeCommand && packet_type != kMetadata) {
    return header;
  }
  if (body.size() < 5) {
    return Malformed("truncated ExVideoTagHeader");
  }
  auto codec = CodecFromFourCc(body.subspan(1, 4));
  if (!codec) return Error(codec.error());
  header.codec = *codec;
  header.keyframe = frame_type == kFrameTypeKey;
  header.payload = body.subspan(5);
  switch (packet_type) {
    case kSequenceStart:
      header.content = VideoTagContent::kSequenceHeader;
      return header;
    case kCodedFrames:
      if (body.size() < 8) {
        return Malformed("truncated CompositionTime");
      }
      header.content = VideoTagContent::kFrame;
      header.composition_ms = ReadSi24(body.subspan(5));
      header.payload = body.subspan(8);
      return header;
    case kCodedFramesX:
      header.content = VideoTagContent::kFrame;
      return header;
    case kSequenceEnd:
    case kMetadata:
      header.content = VideoTagContent::kNothing;
      return header;
    case kMpeg2TsSequenceStart:
      return Error(ErrorCode::kMediaUnsupported, {}, "PacketTypeMPEG2TSSequenceStart");
    default:
      return Malformed("Enhanced RTMP PacketType " + std::to_string(packet_type));
  }
}

}  // namespace

Result<FlvVideoHeader> ReadFlvVideoHeader(std::span<const uint8_t> body) {
  if (body.empty()) {
    return Malformed("empty body");
  }
  return (body[0] & kExHeaderBit) ? ReadExHeader(body) : ReadLegacyHeader(body);
}

}  // namespace liverec::media::flv
