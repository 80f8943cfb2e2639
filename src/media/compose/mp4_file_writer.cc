#include "media/compose/mp4_file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/mathematics.h>
}

#include "base/default_init_allocator.h"
#include "media/compose/positional_io.h"
#include "media/compose/sample_description.h"
#include "media/compose/sample_spool.h"
#include "media/mp4/annexb_to_mp4.h"
#include "media/mp4/movie_box.h"

namespace liverec::media::compose {
namespace {

constexpr int64_t kTsClock = 90000;
// The mdat starts here while it is written: the ftyp and a free box come first, where a small
// file's moov fits (4 KiB describe ~20 s of audio alone, a few seconds of audio and video).
constexpr uint64_t kDataStart = 4096;
constexpr uint64_t kMdatHeader = 16;  // free (8) + mdat (8), or a 64-bit mdat header (16)
constexpr size_t kDataBuffer = 1 << 20;

// Writes at increasing offsets of a file, from `at`.
class FileSink final : public ByteSink {
 public:
  FileSink(int fd, const std::string& path, uint64_t at) : fd_(fd), path_(path), at_(at) {}
  Status Write(std::span<const uint8_t> bytes) override {
    LIVEREC_RETURN_IF_ERROR(WriteAllAt(fd_, path_, bytes, at_));
    at_ += bytes.size();
    return Status::Ok();
  }

 private:
  int fd_;
  const std::string& path_;
  uint64_t at_;
};

std::vector<uint8_t> Boxes(uint64_t size, const char (&type)[5], uint64_t size2 = 0,
                           const char (&type2)[5] = "    ") {
  MemorySink sink;
  mp4::BoxWriter out(sink);
  out.Box(size, type);
  if (size2 > 0) out.Box(size2, type2);
  (void)out.Flush();
  return sink.data();
}

struct Track {
  ~Track() { avcodec_parameters_free(&parameters); }

  TrackKind kind = TrackKind::kVideo;
  AVCodecParameters* parameters = nullptr;
  uint32_t timescale = kTsClock;
  bool length_prefixed = false;  // H.264 / HEVC: Annex B in, length-prefixed out
  std::unique_ptr<SampleSpool> spool;
  std::optional<mp4::SampleRecord> pending;  // the latest sample, waiting for its duration
  int64_t last_dts = 0;
  uint32_t last_step = 0;  // the previous sample's duration
  uint32_t last_packet_duration = 0;
  std::vector<uint8_t> first_keyframe;  // kept only when the parameter sets are in band

  int64_t ToTimescale(int64_t ticks) const { return av_rescale(ticks, timescale, kTsClock); }
  bool NeedsFirstKeyframe() const { return length_prefixed && parameters->extradata_size == 0; }
};

}  // namespace

struct Mp4FileWriter::Impl {
  ~Impl() {
    if (fd >= 0) ::close(fd);
  }

  Result<Track*> AddTrack(TrackKind kind, const AVCodecParameters* source);
  Status AppendSample(Track& track, const AVPacket* packet, int64_t dts, int64_t pts);
  Status FlushData();
  Status Place(const std::vector<mp4::MovieTrack>& tracks);
  Status MakeRoom(uint64_t room);
  Result<mp4::MovieTrack> Describe(Track& track);

  std::string path;
  int fd = -1;
  std::vector<uint8_t> file_type;
  std::optional<Track> video;
  std::optional<Track> audio;
  UninitBytes data;                              // mdat bytes not yet written
  uint64_t data_end = kDataStart + kMdatHeader;  // file offset after the last byte appended
  uint64_t data_flushed = kDataStart + kMdatHeader;
  bool finished = false;
};

Result<Track*> Mp4FileWriter::Impl::AddTrack(TrackKind kind, const AVCodecParameters* source) {
  std::optional<Track>& track = kind == TrackKind::kVideo ? video : audio;
  track.emplace();
  track->kind = kind;
  track->parameters = avcodec_parameters_alloc();
  if (track->parameters == nullptr || avcodec_parameters_copy(track->parameters, source) < 0) {
    return Error(ErrorCode::kMuxerFailure, {}, "cannot copy the codec parameters");
  }
  if (kind == TrackKind::kAudio && source->sample_rate > 0) {
    track->timescale = static_cast<uint32_t>(source->sample_rate);
  }
  track->length_prefixed =
      source->codec_id == AV_CODEC_ID_H264 || source->codec_id == AV_CODEC_ID_HEVC;
  const std::filesystem::path file(path);
  auto spool = SampleSpool::Create(
      file.parent_path().string(),
      file.filename().string() + (kind == TrackKind::kVideo ? ".video" : ".audio") + ".samples");
  if (!spool) return Error(spool.error());
  track->spool = std::move(*spool);
  return &*track;
}

Result<std::unique_ptr<Mp4FileWriter>> Mp4FileWriter::Create(const std::string& path,
                                                             const AVCodecParameters* video,
                                                             const AVCodecParameters* audio) {
  if (video == nullptr && audio == nullptr) {
    return Error(ErrorCode::kMediaMalformed, {}, "nothing to write: no video or audio track");
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0644);
  if (impl->fd < 0) return Error(FileError(path, "cannot create", errno));
  if (video) {
    auto track = impl->AddTrack(TrackKind::kVideo, video);
    if (!track) return Error(track.error());
  }
  if (audio) {
    auto track = impl->AddTrack(TrackKind::kAudio, audio);
    if (!track) return Error(track.error());
  }
  impl->file_type = mp4::FileTypeBox(video != nullptr && video->codec_id == AV_CODEC_ID_H264);
  std::vector<uint8_t> head = impl->file_type;
  const auto padding = Boxes(kDataStart - head.size(), "free");
  head.insert(head.end(), padding.begin(), padding.end());
  LIVEREC_RETURN_IF_ERROR(WriteAllAt(impl->fd, path, head, 0));
  impl->data.reserve(kDataBuffer + 64 * 1024);
  return std::unique_ptr<Mp4FileWriter>(new Mp4FileWriter(std::move(impl)));
}

Mp4FileWriter::Mp4FileWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Mp4FileWriter::~Mp4FileWriter() = default;

Status Mp4FileWriter::Impl::FlushData() {
  LIVEREC_RETURN_IF_ERROR(WriteAllAt(fd, path, {data.data(), data.size()}, data_flushed));
  data_flushed += data.size();
  data.clear();
  return Status::Ok();
}

Status Mp4FileWriter::Impl::AppendSample(Track& track, const AVPacket* packet, int64_t dts,
                                         int64_t pts) {
  const std::span<const uint8_t> bytes(packet->data, static_cast<size_t>(packet->size));
  size_t size = bytes.size();
  if (track.length_prefixed) {
    auto appended = mp4::AppendLengthPrefixed(bytes, data);
    if (!appended) return appended.error();
    size = *appended;
    if ((packet->flags & AV_PKT_FLAG_KEY) && track.NeedsFirstKeyframe() &&
        track.first_keyframe.empty()) {
      track.first_keyframe.assign(bytes.begin(), bytes.end());
    }
  } else {
    data.insert(data.end(), bytes.begin(), bytes.end());
  }
  mp4::SampleRecord record;
  record.offset = data_end;
  record.dts = dts;
  record.size = static_cast<uint32_t>(size);
  record.cts = static_cast<int32_t>(pts - dts);
  record.keyframe = (packet->flags & AV_PKT_FLAG_KEY) ? 1 : 0;
  data_end += size;
  if (track.pending) {
    track.last_step = static_cast<uint32_t>(dts - track.pending->dts);
    track.pending->duration = track.last_step;
    LIVEREC_RETURN_IF_ERROR(track.spool->Append(*track.pending));
  }
  track.pending = record;
  track.last_dts = dts;
  track.last_packet_duration =
      packet->duration > 0 ? static_cast<uint32_t>(track.ToTimescale(packet->duration)) : 0;
  return data.size() >= kDataBuffer ? FlushData() : Status::Ok();
}

Status Mp4FileWriter::Write(TrackKind kind, const AVPacket* packet) {
  Impl& impl = *impl_;
  std::optional<Track>& track = kind == TrackKind::kVideo ? impl.video : impl.audio;
  if (impl.finished || !track) {
    return Status(ErrorCode::kMuxerFailure, {}, "packet for a track the file does not have");
  }
  const int64_t raw_dts = packet->dts != AV_NOPTS_VALUE ? packet->dts : packet->pts;
  if (raw_dts == AV_NOPTS_VALUE) {
    return Status(ErrorCode::kMediaMalformed, {}, "frame without a timestamp");
  }
  const int64_t raw_pts = packet->pts != AV_NOPTS_VALUE ? packet->pts : raw_dts;
  int64_t dts = track->ToTimescale(raw_dts);
  if (track->pending && dts <= track->last_dts) dts = track->last_dts + 1;
  const int64_t pts = std::max(track->ToTimescale(raw_pts), dts);
  return impl.AppendSample(*track, packet, dts, pts);
}

Result<mp4::MovieTrack> Mp4FileWriter::Impl::Describe(Track& track) {
  if (track.pending) {
    track.pending->duration =
        track.last_packet_duration > 0 ? track.last_packet_duration : track.last_step;
    LIVEREC_RETURN_IF_ERROR(track.spool->Append(*track.pending));
    track.pending.reset();
  }
  mp4::MovieTrack movie;
  movie.video = track.kind == TrackKind::kVideo;
  movie.timescale = track.timescale;
  const AVCodecParameters* p = track.parameters;
  if (movie.video) {
    const AVRational sar = p->sample_aspect_ratio;
    movie.width = static_cast<uint32_t>(
        sar.num > 0 && sar.den > 0 ? av_rescale(p->width, sar.num, sar.den) : p->width);
    movie.height = static_cast<uint32_t>(p->height);
  }
  auto description = SampleDescriptionBox(p, track.first_keyframe);
  if (!description) return Error(description.error());
  movie.sample_description = std::move(*description);
  auto summary = mp4::Summarize(*track.spool);
  if (!summary) return Error(summary.error());
  movie.summary = *summary;
  movie.samples = track.spool.get();
  return movie;
}

// Moves the mdat `room` bytes further into the file: copies it forward from its end, one
// buffer at a time (what libavformat's `+faststart` does too). fallocate(FALLOC_FL_INSERT_RANGE)
// would move no data on ext4 and XFS, but ext4 first writes the whole file back to the disk
// and waits for it, in the caller: on a 1 h cycle (929 MB) that measured more CPU and more
// wall time than the copy (docs/benchmarks.md, P10).
Status Mp4FileWriter::Impl::MakeRoom(uint64_t room) {
  std::vector<uint8_t> buffer(kDataBuffer);
  uint64_t at = data_end;
  while (at > kDataStart) {
    const uint64_t n = std::min<uint64_t>(buffer.size(), at - kDataStart);
    at -= n;
    LIVEREC_RETURN_IF_ERROR(ReadAllAt(fd, path, {buffer.data(), n}, at));
    LIVEREC_RETURN_IF_ERROR(WriteAllAt(fd, path, {buffer.data(), n}, at + room));
  }
  return Status::Ok();
}

Status Mp4FileWriter::Impl::Place(const std::vector<mp4::MovieTrack>& tracks) {
  const uint64_t head = file_type.size();
  const uint64_t available = kDataStart - head;
  // How far the mdat moves for a moov of `size`: not at all when the moov fits in front of it
  // (what remains becomes a free box, of 8 bytes at least), else just enough.
  auto room_for = [&](uint64_t size) -> uint64_t {
    if (size == available || size + 8 <= available) return 0;
    return size - available;
  };
  uint64_t last_chunk = 0;
  for (const mp4::MovieTrack& track : tracks) {
    last_chunk = std::max(last_chunk, track.summary.last_chunk_offset);
  }
  bool co64 = false;
  uint64_t moov = mp4::MovieBoxSize(tracks, false);
  uint64_t room = room_for(moov);
  if (last_chunk + room > std::numeric_limits<uint32_t>::max()) {
    co64 = true;
    moov = mp4::MovieBoxSize(tracks, true);
    room = room_for(moov);
  }
  if (room > 0) LIVEREC_RETURN_IF_ERROR(MakeRoom(room));
  FileSink sink(fd, path, head);
  mp4::BoxWriter out(sink);
  LIVEREC_RETURN_IF_ERROR(mp4::WriteMovieBox(tracks, co64, room, out));
  if (const uint64_t rest = available + room - moov; rest > 0) {
    LIVEREC_RETURN_IF_ERROR(WriteAllAt(fd, path, Boxes(rest, "free"), head + moov));
  }
  const uint64_t payload = data_end - (kDataStart + kMdatHeader);
  const auto mdat_header = payload + 8 <= std::numeric_limits<uint32_t>::max()
                               ? Boxes(8, "free", payload + 8, "mdat")
                               : Boxes(1, "mdat");
  LIVEREC_RETURN_IF_ERROR(WriteAllAt(fd, path, mdat_header, kDataStart + room));
  if (mdat_header.size() == 8) {  // the 64-bit largesize follows "mdat" (§4.2)
    MemorySink sink64;
    mp4::BoxWriter size64(sink64);
    size64.U64(payload + kMdatHeader);
    (void)size64.Flush();
    LIVEREC_RETURN_IF_ERROR(WriteAllAt(fd, path, sink64.data(), kDataStart + room + 8));
  }
  return Status::Ok();
}

Status Mp4FileWriter::Finish() {
  Impl& impl = *impl_;
  if (impl.finished) return Status(ErrorCode::kMuxerFailure, {}, "file finished twice");
  impl.finished = true;
  LIVEREC_RETURN_IF_ERROR(impl.FlushData());
  std::vector<mp4::MovieTrack> tracks;
  for (std::optional<Track>* track : {&impl.video, &impl.audio}) {
    if (!*track) continue;
    auto movie = impl.Describe(**track);
    if (!movie) return movie.error();
    tracks.push_back(std::move(*movie));
  }
  LIVEREC_RETURN_IF_ERROR(impl.Place(tracks));
  const int fd = std::exchange(impl.fd, -1);
  if (::close(fd) != 0) return FileError(impl.path, "close", errno);
  return Status::Ok();
}

}  // namespace liverec::media::compose
