// AnnexbFraming: the video half of liverec's own TS muxer. Turns an access unit of
// length-prefixed NAL units (ISO/IEC 14496-15 §4.3, 4-byte lengths as MediaPacket carries them)
// into the Annex B byte stream MPEG-TS carries (ITU-T H.264 Annex B / H.265 Annex B; ISO/IEC
// 13818-1 §2.14, §2.17): a start code before each NAL unit, an access unit delimiter first (as
// libavformat's mpegts muxer adds one), and before every keyframe that does not carry its own
// the parameter sets of the decoder configuration record (as h264_mp4toannexb /
// hevc_mp4toannexb do). Nothing is copied: the result is a gather list of spans into the
// packet, into this object and into static data. Sans-I/O; thread-safety: none.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"
#include "media/media_packet.h"

namespace liverec::media::ts {

class AnnexbFraming {
 public:
  // `config`: H.264 or HEVC with its decoder configuration record (AVC: §5.3.3.1; HEVC:
  // §8.3.3.1). kMediaUnsupported for another codec; kMuxerFailure for a record that cannot be
  // read (truncated, no SPS), as libavcodec's filter refuses one.
  static Result<AnnexbFraming> Create(const CodecConfig& config);

  // Replaces `pieces` with the Annex B access unit of `data`; the spans stay valid while `data`
  // and this object do. kMediaMalformed when the NAL lengths do not tile `data`.
  Status Frame(std::span<const uint8_t> data, bool keyframe,
               std::vector<std::span<const uint8_t>>& pieces) const;

  // The parameter sets in Annex B (4-byte start codes), for tests.
  const std::vector<uint8_t>& parameter_sets() const { return parameter_sets_; }

 private:
  AnnexbFraming(bool hevc, std::vector<uint8_t> parameter_sets)
      : hevc_(hevc), parameter_sets_(std::move(parameter_sets)) {}

  int NalType(uint8_t first_byte) const;

  bool hevc_;
  std::vector<uint8_t> parameter_sets_;
};

}  // namespace liverec::media::ts
