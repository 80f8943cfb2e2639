// FlvTagParser: turns FLV tag bodies (as RTMP video/audio messages carry them) into codec
// configurations and media packets. Adobe FLV spec v10.1 §E.4.2/§E.4.3, and Enhanced RTMP v1
// (ExVideoTagHeader, FourCC "hvc1") for HEVC, besides the codec id 12 convention.
// Stateful per stream (remembers the current configs). Thread-safety: none.
//
// Error policy: every error leaves the parser's state unchanged, so a caller may count the bad
// tag and go on with the next one. In particular a frame that arrives before its track's
// sequence header (or whose codec differs from it) is kMediaMalformed and is not emitted.
// Tags that carry nothing to record yield an empty FlvTagResult: video info/command frames,
// end-of-sequence, Enhanced RTMP metadata, and frames without any NAL unit.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "base/status.h"
#include "media/media_packet.h"

namespace liverec::media::flv {

struct FlvTagResult {
  // Set when the tag was a sequence header (or, for MP3, the first frame): the new config.
  std::optional<CodecConfig> config;
  // Set when the tag carried a frame.
  std::optional<MediaPacket> packet;
};

class FlvTagParser {
 public:
  // Video tag body: H.264 (codec id 7, or Enhanced RTMP "avc1"), HEVC (codec id 12, or
  // Enhanced RTMP "hvc1"). Frames come out with 4-byte NAL unit lengths whatever the
  // configuration record's lengthSizeMinusOne says.
  // Unsupported codecs and malformed bodies are errors; an end-of-sequence tag yields nothing.
  Result<FlvTagResult> ParseVideo(std::span<const uint8_t> body, int64_t timestamp_ms);
  // Audio tag body: AAC (sound format 10) or MP3 (2, or 14 "MP3 8 kHz"). For MP3 a config is
  // emitted with the first frame and again whenever sample rate or channel count change.
  Result<FlvTagResult> ParseAudio(std::span<const uint8_t> body, int64_t timestamp_ms);

  const std::optional<CodecConfig>& video_config() const { return video_; }
  const std::optional<CodecConfig>& audio_config() const { return audio_; }

 private:
  Result<FlvTagResult> ParseVideoConfig(CodecId codec, std::span<const uint8_t> record);
  Result<FlvTagResult> ParseVideoFrame(CodecId codec, bool keyframe, int64_t dts_ms,
                                       int32_t composition_ms, std::span<const uint8_t> nalus);
  Result<FlvTagResult> ParseAac(std::span<const uint8_t> body, int64_t timestamp_ms);
  Result<FlvTagResult> ParseMp3(std::span<const uint8_t> frame, int64_t timestamp_ms);

  std::optional<CodecConfig> video_;
  std::optional<CodecConfig> audio_;
  int video_nal_length_size_ = 4;  // from the current video config record
};

}  // namespace liverec::media::flv
