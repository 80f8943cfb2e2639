// TsMuxer: liverec's own MPEG-TS muxer for recording slices (ISO/IEC 13818-1), in place of
// libavformat's generic muxing path. H.264 and HEVC (Annex B with an access unit delimiter and
// the parameter sets before keyframes, annexb_framing.h), AAC (ADTS, adts_framing.h) and MP3;
// one PES packet per frame (video unbounded, audio with its length), PAT and PMT at the start
// and again before every video keyframe, a PCR on the video PID (audio when there is no video)
// at every PES of that PID and, between them, with the first frame 40 ms or more after the last,
// continuity counters, random-access flags on keyframes and audio frames. The same stream layout as
// libavformat's mpegts muxer writes: PMT PID 0x1000, video 0x100, audio 0x101, program 1, PCR =
// DTS. Timestamps go in as given (ms -> 90 kHz), so consecutive slices play back to back; a DTS not
// above its track's previous one is moved one 90 kHz tick past it. Each frame's bytes are copied
// once, from the packet into the output. Sans-I/O: output is appended to the caller's vector.
// Thread-safety: none.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "base/status.h"
#include "media/media_packet.h"
#include "media/ts/adts_framing.h"
#include "media/ts/annexb_framing.h"
#include "media/ts/ts_packets.h"

namespace liverec::media::ts {

class TsMuxer {
 public:
  // At least one track: video H.264/HEVC, audio AAC/MP3 (else kMediaUnsupported). A video
  // record that cannot be read is kMuxerFailure; an AAC configuration ADTS cannot carry is
  // kMediaUnsupported (AdtsFraming::Create tells which).
  static Result<std::unique_ptr<TsMuxer>> Create(const std::optional<CodecConfig>& video,
                                                 const std::optional<CodecConfig>& audio);

  // Appends the PAT and PMT that open a slice.
  void WriteTables(UninitBytes& out);
  // Appends `packet` (decode order per track). kMediaUnsupported for a track the muxer was not
  // created with; kMediaMalformed for an empty packet, NAL lengths that do not tile it, or an
  // AAC frame too long for ADTS. Nothing is appended on failure.
  Status Write(const MediaPacket& packet, UninitBytes& out);

 private:
  struct Track {
    CodecId codec = CodecId::kUnknown;
    uint16_t pid = 0;
    uint8_t stream_id = 0;
    std::optional<int64_t> last_dts;  // 90 kHz, as written
    std::optional<AnnexbFraming> annexb;
    std::optional<AdtsFraming> adts;
  };

  explicit TsMuxer(TsPacketWriter writer) : writer_(std::move(writer)) {}
  Status Pieces(const Track& track, const MediaPacket& packet);
  std::optional<int64_t> PcrFor(const Track& track, int64_t dts, UninitBytes& out);

  TsPacketWriter writer_;
  std::optional<Track> video_;
  std::optional<Track> audio_;
  std::optional<int64_t> last_pcr_;  // 90 kHz
  bool wrote_media_ = false;
  std::vector<std::span<const uint8_t>> pieces_;  // reused per packet
  std::array<uint8_t, AdtsFraming::kHeaderSize> adts_header_{};
};

}  // namespace liverec::media::ts
