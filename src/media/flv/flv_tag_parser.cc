#include "media/flv/flv_tag_parser.h"

#include <string>
#include <utility>

#include "media/flv/aac_config.h"
#include "media/flv/avc_config.h"
#include "media/flv/flv_video_header.h"
#include "media/flv/hevc_config.h"
#include "media/flv/mp3_header.h"
#include "media/flv/nal_units.h"

namespace liverec::media::flv {
namespace {

// SoundFormat (§E.4.2.1).
constexpr int kSoundFormatMp3 = 2;
constexpr int kSoundFormatAac = 10;
constexpr int kSoundFormatMp3At8kHz = 14;
// AACPacketType.
constexpr int kAacSequenceHeader = 0;
constexpr int kAacRaw = 1;

tl::unexpected<Status> Malformed(std::string detail) {
  return Error(ErrorCode::kMediaMalformed, {}, std::move(detail));
}

}  // namespace

Result<FlvTagResult> FlvTagParser::ParseVideo(std::span<const uint8_t> body, int64_t timestamp_ms) {
  auto header = ReadFlvVideoHeader(body);
  if (!header) {
    return Error(header.error());
  }
  switch (header->content) {
    case VideoTagContent::kSequenceHeader:
      return ParseVideoConfig(header->codec, header->payload);
    case VideoTagContent::kFrame:
      return ParseVideoFrame(header->codec, header->keyframe, timestamp_ms, header->composition_ms,
                             header->payload);
    case VideoTagContent::kNothing:
      break;
  }
  return FlvTagResult{};
}

Result<FlvTagResult> FlvTagParser::ParseVideoConfig(CodecId codec,
                                                    std::span<const uint8_t> record) {
  auto info =
      codec == CodecId::kH264 ? ParseAvcDecoderConfig(record) : ParseHevcDecoderConfig(record);
  if (!info) {
    return Error(info.error());
  }
  CodecConfig config;
  config.codec = codec;
  config.extradata.assign(record.begin(), record.end());
  config.width = info->size.width;
  config.height = info->size.height;
  video_ = config;
  video_nal_length_size_ = info->nal_length_size;
  return FlvTagResult{std::move(config), std::nullopt};
}

Result<FlvTagResult> FlvTagParser::ParseVideoFrame(CodecId codec, bool keyframe, int64_t dts_ms,
                                                   int32_t composition_ms,
                                                   std::span<const uint8_t> nalus) {
  if (!video_) {
    return Malformed("video frame before the sequence header");
  }
  if (video_->codec != codec) {
    return Malformed("video frame codec differs from the sequence header");
  }
  auto data = ToFourByteLengths(nalus, video_nal_length_size_);
  if (!data) {
    return Error(data.error());
  }
  if (data->empty()) {
    return FlvTagResult{};
  }
  MediaPacket packet;
  packet.kind = TrackKind::kVideo;
  packet.codec = codec;
  packet.dts_ms = dts_ms;
  packet.pts_ms = dts_ms + composition_ms;
  packet.keyframe = keyframe;
  packet.data = std::move(*data);
  return FlvTagResult{std::nullopt, std::move(packet)};
}

Result<FlvTagResult> FlvTagParser::ParseAudio(std::span<const uint8_t> body, int64_t timestamp_ms) {
  if (body.empty()) {
    return Malformed("FLV audio tag: empty body");
  }
  const int sound_format = body[0] >> 4;
  switch (sound_format) {
    case kSoundFormatAac:
      return ParseAac(body, timestamp_ms);
    case kSoundFormatMp3:
    case kSoundFormatMp3At8kHz:
      return ParseMp3(body.subspan(1), timestamp_ms);
    default:
      return Error(ErrorCode::kMediaUnsupported, {},
                   "FLV sound format " + std::to_string(sound_format));
  }
}

Result<FlvTagResult> FlvTagParser::ParseAac(std::span<const uint8_t> body, int64_t timestamp_ms) {
  if (body.size() < 2) {
    return Malformed("FLV audio tag: truncated AACAUDIODATA");
  }
  const std::span<const uint8_t> payload = body.subspan(2);
  if (body[1] == kAacSequenceHeader) {
    auto info = ParseAacConfig(payload);
    if (!info) {
      return Error(info.error());
    }
    CodecConfig config;
    config.codec = CodecId::kAac;
    config.extradata.assign(payload.begin(), payload.end());
    config.sample_rate = info->sample_rate;
    config.channels = info->channels;
    audio_ = config;
    return FlvTagResult{std::move(config), std::nullopt};
  }
  if (body[1] != kAacRaw) {
    return Malformed("FLV audio tag: AACPacketType " + std::to_string(body[1]));
  }
  if (!audio_ || audio_->codec != CodecId::kAac) {
    return Malformed("AAC frame before the sequence header");
  }
  if (payload.empty()) {
    return FlvTagResult{};
  }
  MediaPacket packet{
      TrackKind::kAudio, CodecId::kAac, timestamp_ms,
      timestamp_ms,      true,          std::vector<uint8_t>(payload.begin(), payload.end())};
  return FlvTagResult{std::nullopt, std::move(packet)};
}

Result<FlvTagResult> FlvTagParser::ParseMp3(std::span<const uint8_t> frame, int64_t timestamp_ms) {
  auto info = ParseMp3Header(frame);
  if (!info) {
    return Error(info.error());
  }
  FlvTagResult result;
  if (!audio_ || audio_->codec != CodecId::kMp3 || audio_->sample_rate != info->sample_rate ||
      audio_->channels != info->channels) {
    CodecConfig config;
    config.codec = CodecId::kMp3;
    config.sample_rate = info->sample_rate;
    config.channels = info->channels;
    audio_ = config;
    result.config = std::move(config);
  }
  result.packet = MediaPacket{
      TrackKind::kAudio, CodecId::kMp3, timestamp_ms,
      timestamp_ms,      true,          std::vector<uint8_t>(frame.begin(), frame.end())};
  return result;
}

}  // namespace liverec::media::flv
