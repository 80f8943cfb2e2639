// ComposeMuxer: writes one MP4 (ISO/IEC 14496-12) or FLV (Adobe FLV spec v10.1, annex E) file
// by stream copy, from packets of TS slices.
//
// - MP4: by default through liverec's own writer (mp4_file_writer.h), whose memory does not
//   grow with the file: the sample tables are spooled to disk and the moov is placed in front
//   of the mdat at the end. Mp4Writer::kLibavformat uses libavformat's mov muxer with
//   `movflags=+faststart` instead (it holds the sample tables, a few tens of bytes per sample,
//   in memory, twice while it moves the moov). Either way the moov precedes the mdat
//   (§8.1.1 / §8.2.1) and HEVC gets the `hvc1` sample entry (ISO/IEC 14496-15 §8.4.1), which
//   Apple players require.
// - FLV: the onMetaData script tag (annex E.5) carries `duration` and `filesize`, which the
//   muxer rewrites when the file is complete (the output is a seekable local file).
//   libavformat before 6.1 (FFmpeg 6.1 added Enhanced FLV) cannot put HEVC in FLV:
//   kMediaUnsupported, found out before anything is written.
// - AAC comes out of MPEG-TS with ADTS headers; they are removed (aac_adtstoasc) and the
//   AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1) built from the first header is the track's
//   decoder configuration (esds in MP4, the AAC sequence header in FLV), known before the FLV
//   header is written. H.264/HEVC Annex B is turned into length-prefixed NAL units by the muxers.
//
// Timestamps given to Write are in the 90 kHz TS clock and must already increase per track.
// Thread-safety: none.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "media/media_packet.h"

struct AVCodecParameters;
struct AVPacket;

namespace liverec::media::compose {

enum class ContainerFormat { kMp4, kFlv };
// Who writes MP4 files ([recording] mp4_writer).
enum class Mp4Writer { kOwn, kLibavformat };

class ComposeMuxer {
 public:
  // Creates `path` (a local file; truncated if it exists) with the tracks given (at least one
  // non-null). For AAC audio `first_audio` is a packet of the track (ADTS), from which the
  // decoder configuration is taken; it is not written. kMediaUnsupported for a codec the
  // container cannot carry, kStorageFailure when the file cannot be created.
  static Result<std::unique_ptr<ComposeMuxer>> Create(ContainerFormat format,
                                                      const std::string& path,
                                                      const AVCodecParameters* video,
                                                      const AVCodecParameters* audio,
                                                      const AVPacket* first_audio,
                                                      Mp4Writer mp4_writer = Mp4Writer::kOwn);
  ~ComposeMuxer();
  ComposeMuxer(const ComposeMuxer&) = delete;
  ComposeMuxer& operator=(const ComposeMuxer&) = delete;

  // Writes `packet` (its reference is taken) to the track of `kind`.
  Status Write(TrackKind kind, AVPacket* packet);
  // Flushes, completes the file (moov / onMetaData) and closes it. Call once.
  Status Finish();

 private:
  struct Impl;
  explicit ComposeMuxer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace liverec::media::compose
