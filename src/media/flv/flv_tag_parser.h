// FlvTagParser: turns FLV tag bodies (as RTMP video/audio messages carry them) into codec
// configurations and media packets. Adobe FLV spec v10.1 §E.4.2/§E.4.3, and Enhanced RTMP v1
// (ExVideoTagHeader, FourCC "hvc1") for HEVC, besides the codec id 12 convention.
// Stateful per stream (remembers the current configs). Thread-safety: none.
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
  // Video tag body: H.264 (codec id 7), HEVC (codec id 12, or Enhanced RTMP "hvc1").
  // Unsupported codecs and malformed bodies are errors; an end-of-sequence tag yields nothing.
  Result<FlvTagResult> ParseVideo(std::span<const uint8_t> body, int64_t timestamp_ms);
  // Audio tag body: AAC (sound format 10) or MP3 (2).
  Result<FlvTagResult> ParseAudio(std::span<const uint8_t> body, int64_t timestamp_ms);

  const std::optional<CodecConfig>& video_config() const { return video_; }
  const std::optional<CodecConfig>& audio_config() const { return audio_; }

 private:
  std::optional<CodecConfig> video_;
  std::optional<CodecConfig> audio_;
};

}  // namespace liverec::media::flv
