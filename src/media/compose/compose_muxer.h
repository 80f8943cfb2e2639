// ComposeMuxer: writes one MP4 (ISO/IEC 14496-12) or FLV (Adobe FLV spec v10.1, annex E) file
// by stream copy through libavformat's mov/flv muxers, from packets of TS slices.
//
// - MP4: `movflags=+faststart`: at the end the muxer moves the moov box in front of the mdat
//   (§8.1.1 / §8.2.1) by shifting the file's data in place, re-opening the output for reading
//   and copying through two buffers of moov size; no second file, and memory is the moov (the
//   sample tables, §8.6/§8.7: a few tens of bytes per sample) twice. HEVC gets the `hvc1`
//   sample entry (ISO/IEC 14496-15 §8.4.1), which Apple players require.
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
                                                      const AVPacket* first_audio);
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
