// The boxes of an MP4 file around its media data (ISO/IEC 14496-12): the file type box (§4.3)
// and the movie box (§8.2.1) with one track per stream: track header (§8.3.2), an edit list
// (§8.6.6) that starts the presentation at the earliest PTS of the file, media header (§8.4.2),
// handler (§8.4.3), media information (§8.4.4) and the sample tables (sample_tables.h) after
// the track's sample description (stsd, §8.5.2, made by the caller). Sizes are computed first
// so the moov can be placed before the mdat it describes and streamed in bounded memory.
// Sans-I/O; thread-safety: none.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "media/mp4/box_writer.h"
#include "media/mp4/sample_tables.h"

namespace liverec::media::mp4 {

// The movie's timescale (mvhd, tkhd, elst): milliseconds.
constexpr uint32_t kMovieTimescale = 1000;

struct MovieTrack {
  bool video = false;
  uint32_t timescale = 0;  // the media's (mdhd); sample times are in it
  uint32_t width = 0;      // presentation size (video), in pixels
  uint32_t height = 0;
  std::vector<uint8_t> sample_description;  // the whole stsd box
  TrackSummary summary;
  SampleSource* samples = nullptr;
};

// The ftyp box: brand isom, compatible with iso2, mp41 and (for H.264) avc1.
std::vector<uint8_t> FileTypeBox(bool avc);

// Bytes of the moov box for `tracks` (track ids are their positions + 1).
uint64_t MovieBoxSize(const std::vector<MovieTrack>& tracks, bool co64);

// Writes the moov box; chunk offsets get `offset_shift` added (see WriteSampleTables).
Status WriteMovieBox(const std::vector<MovieTrack>& tracks, bool co64, uint64_t offset_shift,
                     BoxWriter& out);

}  // namespace liverec::media::mp4
