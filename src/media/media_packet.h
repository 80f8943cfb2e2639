// The media model shared by ingest, muxing and recording: codec configurations and packets as
// RTMP/FLV carries them, with 64-bit millisecond timestamps. Plain values; no I/O.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace liverec::media {

enum class CodecId { kUnknown, kH264, kHevc, kAac, kMp3 };
enum class TrackKind { kVideo, kAudio };

std::string_view CodecName(CodecId codec);  // "h264", "hevc", "aac", "mp3", "unknown"

// A track's decoder configuration, from its FLV sequence header (or the first MP3 frame).
struct CodecConfig {
  CodecId codec = CodecId::kUnknown;
  // H.264: AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3);
  // HEVC: HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3);
  // AAC: AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1); MP3: empty.
  std::vector<uint8_t> extradata;
  int width = 0;  // video, from the SPS
  int height = 0;
  int sample_rate = 0;  // audio
  int channels = 0;

  bool operator==(const CodecConfig&) const = default;
};

struct MediaPacket {
  TrackKind kind = TrackKind::kVideo;
  CodecId codec = CodecId::kUnknown;
  int64_t dts_ms = 0;     // decode time (the RTMP timestamp, unwrapped to 64 bits)
  int64_t pts_ms = 0;     // presentation time (dts + composition time offset)
  bool keyframe = false;  // video: IDR/IRAP; audio: always true
  // H.264/HEVC: NAL units each prefixed by a 4-byte big-endian length (as in FLV/MP4);
  // AAC: one raw access unit (no ADTS); MP3: one frame.
  std::vector<uint8_t> data;
};

}  // namespace liverec::media
