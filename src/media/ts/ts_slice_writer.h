// TsSliceWriter: writes one self-contained MPEG-TS slice (ISO/IEC 13818-1) from media packets
// into a ByteSink. By default through liverec's own muxer (ts_muxer.h: PAT/PMT first, H.264 and
// HEVC in Annex B with parameter sets before each keyframe, AAC in ADTS, each frame copied once);
// AAC configurations that ADTS cannot carry, or TsMuxerKind::kLibavformat, take libavformat's
// mpegts muxer (libav_ts_writer.h) instead. Either way timestamps are kept as given (ms ->
// 90 kHz), so consecutive slices play back to back. Output reaches the sink in writes of about
// 32 KiB, and at least once per 500 ms of media (bounds what a crash can take).
// Thread-safety: none; one recording task owns a writer.
#pragma once

#include <memory>
#include <optional>

#include "base/status.h"
#include "media/byte_sink.h"
#include "media/media_packet.h"

namespace liverec::media::ts {

enum class TsMuxerKind { kOwn, kLibavformat };

class TsSliceWriter {
 public:
  // At least one of video/audio. The sink must outlive the writer. kMediaUnsupported for no
  // track or another codec; kMuxerFailure for a video record that cannot be read.
  static Result<std::unique_ptr<TsSliceWriter>> Create(const std::optional<CodecConfig>& video,
                                                       const std::optional<CodecConfig>& audio,
                                                       ByteSink& sink,
                                                       TsMuxerKind kind = TsMuxerKind::kOwn);
  virtual ~TsSliceWriter() = default;

  // Packets in decode order per track; a packet of a track not configured (or of another
  // codec) is kMediaUnsupported. A DTS not above its track's previous one (RTMP encoders send
  // repeats) is moved one 90 kHz tick past it. Failures of the sink come back as the sink's
  // Status.
  virtual Status Write(const MediaPacket& packet) = 0;
  // Writes out what is buffered; the slice is complete in the sink afterwards. Call once.
  virtual Status Finish() = 0;
  // Which muxer writes this slice.
  virtual TsMuxerKind kind() const = 0;
};

}  // namespace liverec::media::ts
