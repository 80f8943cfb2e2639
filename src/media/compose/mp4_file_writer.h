// Mp4FileWriter: liverec's own MP4 writer for cycle files (ISO/IEC 14496-12/14), whose memory
// does not grow with the file: samples go straight to the mdat, each sample's record (offset,
// size, times, keyframe) to a spool file (sample_spool.h), and Finish makes the moov from the
// spools in bounded memory and puts it in front of the mdat (the file is playable while it
// downloads, as with libavformat's `+faststart`).
//
// Layout while writing: ftyp, a free box up to byte 4096, then the mdat. At Finish the moov is
// written right after the ftyp: into the free box when it fits (what is left stays a free
// box), else the mdat is first moved forward by the missing bytes, copied from its end through
// a 1 MiB buffer (what `+faststart` does too; see MakeRoom for why not FALLOC_FL_INSERT_RANGE).
//
// The sample descriptions (stsd) are libavformat's (sample_description.h); H.264 and HEVC
// samples are written length-prefixed (mp4/annexb_to_mp4.h), every other codec as it comes.
// Timestamps given to Write are in the 90 kHz TS clock; the video track keeps that timescale,
// audio gets its sample rate. A DTS not above the track's previous one moves up one unit and a
// PTS before its DTS is raised to it, as ComposeMuxer does for libavformat.
// Thread-safety: none.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "media/media_packet.h"

struct AVCodecParameters;
struct AVPacket;

namespace liverec::media::compose {

class Mp4FileWriter {
 public:
  // Creates `path` (truncated if it exists) for the tracks given (at least one non-null; the
  // parameters are copied). AAC must carry its AudioSpecificConfig as extradata.
  // kStorageFailure when the file cannot be created.
  static Result<std::unique_ptr<Mp4FileWriter>> Create(const std::string& path,
                                                       const AVCodecParameters* video,
                                                       const AVCodecParameters* audio);
  ~Mp4FileWriter();
  Mp4FileWriter(const Mp4FileWriter&) = delete;
  Mp4FileWriter& operator=(const Mp4FileWriter&) = delete;

  // Appends `packet` (not modified) to the track of `kind`. kMediaMalformed for a video frame
  // without NAL units (nothing is written), kStorageFailure for a write that failed.
  Status Write(TrackKind kind, const AVPacket* packet);
  // Writes the moov, places it and closes the file. Call once.
  Status Finish();

 private:
  struct Impl;
  explicit Mp4FileWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace liverec::media::compose
