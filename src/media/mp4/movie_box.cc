#include "media/mp4/movie_box.h"

#include <algorithm>
#include <limits>

namespace liverec::media::mp4 {
namespace {

constexpr uint64_t kMovieHeaderSize = 108;  // mvhd version 0
constexpr uint64_t kTrackHeaderSize = 92;   // tkhd version 0
constexpr uint64_t kHandlerSize = 45;       // hdlr with a 12-character name
constexpr uint64_t kDataInformationSize = 36;
constexpr uint64_t kVideoMediaHeaderSize = 20;
constexpr uint64_t kSoundMediaHeaderSize = 16;
constexpr uint32_t kUnityMatrix[9] = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};

// `value` in `from` units to `to` units, rounded down or up.
uint64_t Rescale(uint64_t value, uint64_t from, uint64_t to, bool up) {
  // value = q * from + r: no intermediate product overflows for any timescale below 2^32.
  const uint64_t q = value / from;
  const uint64_t r = value % from;
  return q * to + (r * to + (up ? from - 1 : 0)) / from;
}

// The track's edit list (§8.6.6): an empty edit while the track has not started yet, then its
// media from the first sample's presentation time.
struct Edits {
  uint64_t empty = 0;      // movie timescale; 0: no empty edit
  uint64_t segment = 0;    // movie timescale
  int64_t media_time = 0;  // media timescale
  uint64_t track_duration() const { return empty + segment; }
  uint32_t entries() const { return empty > 0 ? 2 : 1; }
};

Edits EditsOf(const MovieTrack& track) {
  const TrackSummary& s = track.summary;
  Edits edits;
  const int64_t first_pts = s.first_dts + s.first_cts;
  uint64_t media = s.duration;
  edits.media_time = s.first_cts;
  if (first_pts > 0) {
    edits.empty =
        Rescale(static_cast<uint64_t>(first_pts), track.timescale, kMovieTimescale, false);
  } else if (first_pts < 0) {  // starts before the file's time 0: that part is not shown
    const auto hidden = static_cast<uint64_t>(-first_pts);
    edits.media_time += static_cast<int64_t>(hidden);
    media = media > hidden ? media - hidden : 0;
  }
  // Rounded up, so that the edit never cuts the last sample short.
  edits.segment = Rescale(media, track.timescale, kMovieTimescale, true);
  return edits;
}

bool LongMedia(const MovieTrack& track) {
  return track.summary.duration > std::numeric_limits<uint32_t>::max();
}

uint64_t MediaHeaderSize(const MovieTrack& track) { return LongMedia(track) ? 44 : 32; }

uint64_t SampleTableBoxSize(const MovieTrack& track, bool co64) {
  return 8 + track.sample_description.size() + SampleTablesSize(track.summary, co64);
}

uint64_t MediaInformationSize(const MovieTrack& track, bool co64) {
  return 8 + (track.video ? kVideoMediaHeaderSize : kSoundMediaHeaderSize) + kDataInformationSize +
         SampleTableBoxSize(track, co64);
}

uint64_t MediaSize(const MovieTrack& track, bool co64) {
  return 8 + MediaHeaderSize(track) + kHandlerSize + MediaInformationSize(track, co64);
}

uint64_t EditBoxSize(const MovieTrack& track) { return 8 + 16 + 12 * EditsOf(track).entries(); }

uint64_t TrackSize(const MovieTrack& track, bool co64) {
  return 8 + kTrackHeaderSize + EditBoxSize(track) + MediaSize(track, co64);
}

void WriteMatrix(BoxWriter& out) {
  for (uint32_t v : kUnityMatrix) out.U32(v);
}

void WriteMovieHeader(const std::vector<MovieTrack>& tracks, BoxWriter& out) {
  uint64_t duration = 0;
  for (const MovieTrack& track : tracks) {
    duration = std::max(duration, EditsOf(track).track_duration());
  }
  out.FullBox(kMovieHeaderSize, "mvhd", 0, 0);
  out.U32(0);  // creation_time
  out.U32(0);  // modification_time
  out.U32(kMovieTimescale);
  out.U32(static_cast<uint32_t>(duration));
  out.U32(0x00010000);  // rate 1.0
  out.U16(0x0100);      // volume 1.0
  out.Zeros(10);        // reserved
  WriteMatrix(out);
  out.Zeros(24);                                      // pre_defined
  out.U32(static_cast<uint32_t>(tracks.size() + 1));  // next_track_ID
}

void WriteTrackHeader(const MovieTrack& track, uint32_t id, BoxWriter& out) {
  out.FullBox(kTrackHeaderSize, "tkhd", 0, 0x3);  // track_enabled | track_in_movie
  out.U32(0);                                     // creation_time
  out.U32(0);                                     // modification_time
  out.U32(id);
  out.U32(0);  // reserved
  out.U32(static_cast<uint32_t>(EditsOf(track).track_duration()));
  out.Zeros(8);                       // reserved
  out.U16(0);                         // layer
  out.U16(0);                         // alternate_group
  out.U16(track.video ? 0 : 0x0100);  // volume
  out.U16(0);                         // reserved
  WriteMatrix(out);
  out.U32(track.width << 16);  // 16.16 fixed point
  out.U32(track.height << 16);
}

void WriteEdits(const MovieTrack& track, BoxWriter& out) {
  const Edits edits = EditsOf(track);
  out.Box(EditBoxSize(track), "edts");
  out.FullBox(16 + 12 * edits.entries(), "elst", 0, 0);
  out.U32(edits.entries());
  if (edits.empty > 0) {
    out.U32(static_cast<uint32_t>(edits.empty));
    out.U32(static_cast<uint32_t>(-1));  // media_time -1: empty
    out.U32(0x00010000);                 // media_rate 1.0
  }
  out.U32(static_cast<uint32_t>(edits.segment));
  out.U32(static_cast<uint32_t>(edits.media_time));
  out.U32(0x00010000);
}

void WriteMediaHeader(const MovieTrack& track, BoxWriter& out) {
  const bool long_media = LongMedia(track);
  out.FullBox(MediaHeaderSize(track), "mdhd", long_media ? 1 : 0, 0);
  if (long_media) {
    out.U64(0);
    out.U64(0);
    out.U32(track.timescale);
    out.U64(track.summary.duration);
  } else {
    out.U32(0);
    out.U32(0);
    out.U32(track.timescale);
    out.U32(static_cast<uint32_t>(track.summary.duration));
  }
  out.U16(0x55c4);  // language "und" (ISO 639-2/T, 5 bits per letter)
  out.U16(0);       // pre_defined
}

void WriteHandler(const MovieTrack& track, BoxWriter& out) {
  static constexpr char kVideo[] = "VideoHandler";
  static constexpr char kSound[] = "SoundHandler";
  out.FullBox(kHandlerSize, "hdlr", 0, 0);
  out.U32(0);  // pre_defined
  out.Type(track.video ? "vide" : "soun");
  out.Zeros(12);  // reserved
  const char* name = track.video ? kVideo : kSound;
  out.Bytes({reinterpret_cast<const uint8_t*>(name), sizeof(kVideo)});  // with its NUL
}

void WriteMediaInformationHeaders(const MovieTrack& track, BoxWriter& out) {
  if (track.video) {
    out.FullBox(kVideoMediaHeaderSize, "vmhd", 0, 1);
    out.Zeros(8);  // graphicsmode, opcolor
  } else {
    out.FullBox(kSoundMediaHeaderSize, "smhd", 0, 0);
    out.Zeros(4);  // balance, reserved
  }
  out.Box(kDataInformationSize, "dinf");
  out.FullBox(28, "dref", 0, 0);
  out.U32(1);
  out.FullBox(12, "url ", 0, 1);  // self-contained: the data is in this file
}

Status WriteTrack(const MovieTrack& track, uint32_t id, bool co64, uint64_t offset_shift,
                  BoxWriter& out) {
  out.Box(TrackSize(track, co64), "trak");
  WriteTrackHeader(track, id, out);
  WriteEdits(track, out);
  out.Box(MediaSize(track, co64), "mdia");
  WriteMediaHeader(track, out);
  WriteHandler(track, out);
  out.Box(MediaInformationSize(track, co64), "minf");
  WriteMediaInformationHeaders(track, out);
  out.Box(SampleTableBoxSize(track, co64), "stbl");
  out.Bytes(track.sample_description);
  return WriteSampleTables(*track.samples, track.summary, co64, offset_shift, out);
}

}  // namespace

std::vector<uint8_t> FileTypeBox(bool avc) {
  MemorySink sink;
  BoxWriter out(sink);
  out.Box(avc ? 32 : 28, "ftyp");
  out.Type("isom");
  out.U32(0x200);  // minor_version
  out.Type("isom");
  out.Type("iso2");
  if (avc) out.Type("avc1");
  out.Type("mp41");
  (void)out.Flush();
  return sink.data();
}

uint64_t MovieBoxSize(const std::vector<MovieTrack>& tracks, bool co64) {
  uint64_t size = 8 + kMovieHeaderSize;
  for (const MovieTrack& track : tracks) size += TrackSize(track, co64);
  return size;
}

Status WriteMovieBox(const std::vector<MovieTrack>& tracks, bool co64, uint64_t offset_shift,
                     BoxWriter& out) {
  out.Box(MovieBoxSize(tracks, co64), "moov");
  WriteMovieHeader(tracks, out);
  for (size_t i = 0; i < tracks.size(); ++i) {
    LIVEREC_RETURN_IF_ERROR(
        WriteTrack(tracks[i], static_cast<uint32_t>(i + 1), co64, offset_shift, out));
  }
  return out.Flush();
}

}  // namespace liverec::media::mp4
