// LibavTsWriter: writes one self-contained MPEG-TS slice (ISO/IEC 13818-1) from media packets,
// by stream copy through libavformat's mpegts muxer into a ByteSink (custom AVIOContext). The
// TS writer's second path (ts_slice_writer.h): taken for what liverec's own muxer does not
// write (AAC that ADTS cannot carry), and the reference the own muxer is tested against.
// Every slice starts with PAT/PMT; H.264/HEVC are converted to Annex B with parameter sets
// before each keyframe (h264_mp4toannexb / hevc_mp4toannexb); AAC gets ADTS headers. Timestamps
// are kept as given (ms -> 90 kHz), so consecutive slices play back to back. Output reaches the
// sink in 32 KiB writes, and at least once per 500 ms of media (bounds what a crash can take).
// Thread-safety: none; one recording task owns a writer.
#pragma once

#include <memory>
#include <optional>

#include "base/status.h"
#include "media/byte_sink.h"
#include "media/media_packet.h"

namespace liverec::media::ts {

class LibavTsWriter {
 public:
  // At least one of video/audio. The sink must outlive the writer.
  static Result<std::unique_ptr<LibavTsWriter>> Create(const std::optional<CodecConfig>& video,
                                                       const std::optional<CodecConfig>& audio,
                                                       ByteSink& sink);
  ~LibavTsWriter();

  // Packets in decode order per track; a packet of a track not configured (or of another
  // codec) is kMediaUnsupported. A DTS not above its track's previous one (RTMP encoders send
  // repeats) is moved one 90 kHz tick past it, as libavformat demands increasing DTS.
  // Failures of the sink come back as the sink's Status; libavformat's as kMuxerFailure.
  Status Write(const MediaPacket& packet);
  // Flushes the muxer; the slice is complete in the sink afterwards. Call once.
  Status Finish();

 private:
  struct Impl;
  explicit LibavTsWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace liverec::media::ts
