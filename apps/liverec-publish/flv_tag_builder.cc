#include "flv_tag_builder.h"

#include "media/rtmp/byte_io.h"

namespace liverec::publish {
namespace {

using media::rtmp::AppendBytes;
using media::rtmp::AppendU24;
using media::rtmp::AppendU32;
using media::rtmp::AppendU8;

constexpr uint8_t kFrameTypeKey = 1;  // §E.4.3.1 FrameType
constexpr uint8_t kFrameTypeInter = 2;
constexpr uint8_t kAvcPacketSequenceHeader = 0;
constexpr uint8_t kAvcPacketNalu = 1;
// Enhanced RTMP v1 PacketType.
constexpr uint8_t kPacketTypeSequenceStart = 0;
constexpr uint8_t kPacketTypeCodedFrames = 1;
constexpr uint8_t kPacketTypeCodedFramesX = 3;
constexpr uint8_t kIsExHeader = 0x80;
constexpr uint8_t kAacTagByte = 0xAF;  // SoundFormat 10, SoundRate 3, SoundSize 1, SoundType 1

uint8_t CodecId(VideoTagStyle style) { return style == VideoTagStyle::kAvc ? 7 : 12; }

std::vector<uint8_t> LegacyVideo(VideoTagStyle style, uint8_t frame_type, uint8_t packet_type,
                                 int32_t composition_ms, std::span<const uint8_t> data) {
  std::vector<uint8_t> body;
  body.reserve(data.size() + 5);
  AppendU8(body, static_cast<uint8_t>(frame_type << 4 | CodecId(style)));
  AppendU8(body, packet_type);
  AppendU24(body, static_cast<uint32_t>(composition_ms) & 0xFFFFFF);  // SI24
  AppendBytes(body, data);
  return body;
}

// The ExVideoTagHeader up to the FourCC; the caller appends the rest.
std::vector<uint8_t> EnhancedVideo(uint8_t frame_type, uint8_t packet_type) {
  std::vector<uint8_t> body;
  AppendU8(body, static_cast<uint8_t>(kIsExHeader | frame_type << 4 | packet_type));
  AppendU32(body, kFourCcHvc1);
  return body;
}

}  // namespace

std::vector<uint8_t> VideoSequenceHeader(VideoTagStyle style, std::span<const uint8_t> record) {
  if (style != VideoTagStyle::kHevcEnhanced) {
    return LegacyVideo(style, kFrameTypeKey, kAvcPacketSequenceHeader, 0, record);
  }
  std::vector<uint8_t> body = EnhancedVideo(kFrameTypeKey, kPacketTypeSequenceStart);
  AppendBytes(body, record);
  return body;
}

std::vector<uint8_t> VideoFrame(VideoTagStyle style, bool keyframe, int32_t composition_ms,
                                std::span<const uint8_t> nal_units) {
  uint8_t frame_type = keyframe ? kFrameTypeKey : kFrameTypeInter;
  if (style != VideoTagStyle::kHevcEnhanced) {
    return LegacyVideo(style, frame_type, kAvcPacketNalu, composition_ms, nal_units);
  }
  // CodedFramesX: composition time zero, so the field is left out.
  uint8_t packet_type = composition_ms == 0 ? kPacketTypeCodedFramesX : kPacketTypeCodedFrames;
  std::vector<uint8_t> body = EnhancedVideo(frame_type, packet_type);
  if (packet_type == kPacketTypeCodedFrames) {
    AppendU24(body, static_cast<uint32_t>(composition_ms) & 0xFFFFFF);
  }
  AppendBytes(body, nal_units);
  return body;
}

std::vector<uint8_t> AacSequenceHeader(std::span<const uint8_t> audio_specific_config) {
  std::vector<uint8_t> body{kAacTagByte, 0};
  AppendBytes(body, audio_specific_config);
  return body;
}

std::vector<uint8_t> AacFrame(std::span<const uint8_t> raw_frame) {
  std::vector<uint8_t> body{kAacTagByte, 1};
  AppendBytes(body, raw_frame);
  return body;
}

std::vector<uint8_t> OnMetaData(std::vector<media::rtmp::Amf0Property> properties) {
  using media::rtmp::Amf0Value;
  return media::rtmp::EncodeAmf0(
      {Amf0Value::String("onMetaData"), Amf0Value::EcmaArray(std::move(properties))});
}

}  // namespace liverec::publish
