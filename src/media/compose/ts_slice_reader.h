// TsSliceReader: opens one recorded MPEG-TS slice (ISO/IEC 13818-1) with libavformat's mpegts
// demuxer (forced, local files only: nothing in the file can make libavformat open anything
// else) and hands out its packets, for stream copy into another container. It picks the first
// video track (H.264 or HEVC) and the first audio track (AAC in ADTS, or MP3); other streams
// are skipped. Every error names the file. Thread-safety: none.
//
// Probing: Open() runs libavformat's stream probe (avformat_find_stream_info), which decodes the
// first frames of each track to learn the picture size and audio format: about 2.5 ms per slice,
// a third of the CPU of composing an MP4 from a cycle's slices (docs/benchmarks.md P10).
// OpenLike() opens the slices after the first one without it: when a slice's stream layout, the
// parameter sets of its first video frame and the fixed header of its first audio frame are the
// bytes of the first slice's (its "signature"), its parameters are the first slice's, which the
// reader takes over; otherwise it falls back to the probe. The packets read are the same either
// way (cycle_composer_input_test).
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "media/media_packet.h"

struct AVCodecParameters;
struct AVFormatContext;
struct AVPacket;
struct AVStream;

namespace liverec::media::compose {

// What must stay the same for the slices of one output file: a change of any of these
// starts a new file. For video, `parameter_sets` are the SPS/PPS (and VPS for HEVC), each with
// a 4-byte length, so that the same sets compare equal however the slices framed them.
struct TrackParameters {
  CodecId codec = CodecId::kUnknown;
  int width = 0;
  int height = 0;
  int sample_rate = 0;
  int channels = 0;
  int profile = 0;
  std::vector<uint8_t> parameter_sets;

  bool operator==(const TrackParameters&) const = default;
};

class TsSliceReader {
 public:
  // kStorageFailure when the file cannot be opened, kMediaMalformed when it holds no usable
  // video or audio track, kMediaUnsupported for a track of another codec when there is no
  // usable one.
  static Result<std::unique_ptr<TsSliceReader>> Open(const std::string& path);
  // As Open, for a slice that most likely has `like`'s configuration: it is not probed when its
  // signature equals `like`'s (see above). `like`'s parameters are copied; it may be closed
  // afterwards.
  static Result<std::unique_ptr<TsSliceReader>> OpenLike(const std::string& path,
                                                         const TsSliceReader& like);
  ~TsSliceReader();
  TsSliceReader(const TsSliceReader&) = delete;
  TsSliceReader& operator=(const TsSliceReader&) = delete;

  const std::string& path() const { return path_; }
  // The chosen tracks; null when the slice has none of that kind. Owned by the reader.
  const AVStream* video() const { return video_; }
  const AVStream* audio() const { return audio_; }
  std::optional<TrackParameters> video_parameters() const;
  std::optional<TrackParameters> audio_parameters() const;

  // Reads the next packet of a chosen track into `packet` (which is unreferenced first) and
  // sets `kind`. False at the end of the file; kMediaMalformed (naming the file) when the
  // demuxer fails before the end.
  Result<bool> Read(AVPacket* packet, TrackKind& kind);

  // False when OpenLike took the parameters over from a matching slice without the probe.
  bool probed() const { return probed_; }

 private:
  // The bytes a slice's configuration follows from (see above); empty when its first packets
  // do not show them (then OpenLike probes).
  struct Signature {
    std::vector<int> codec_ids;           // of each stream of the PMT, in order
    std::vector<uint8_t> parameter_sets;  // of the first video packet, a keyframe
    std::vector<uint8_t> audio_header;    // of the first audio frame, masked to its fixed part
    bool operator==(const Signature&) const = default;
  };

  explicit TsSliceReader(std::string path) : path_(std::move(path)) {}
  Status OpenInput();
  Status Init();
  Status TakeOver(const TsSliceReader& like);
  Result<bool> ReadFromDemuxer(AVPacket* packet, TrackKind& kind);
  // Reads until each chosen track has shown its first packet (kept for Read) and sets
  // signature_ when they show the configuration.
  Status ReadSignature();
  Status Malformed(std::string_view what) const;

  std::string path_;
  AVFormatContext* format_ = nullptr;
  AVStream* video_ = nullptr;
  AVStream* audio_ = nullptr;
  bool probed_ = true;
  std::optional<Signature> signature_;
  std::deque<std::pair<TrackKind, AVPacket*>> ahead_;  // read by ReadSignature, owned
};

// The liverec codec of libav codec parameters; kUnknown for codecs recordings do not carry.
CodecId CodecOf(const AVCodecParameters* parameters);

}  // namespace liverec::media::compose
