#include "media/compose/cycle_composer.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <optional>
#include <utility>

extern "C" {
#include <libavcodec/packet.h>
#include <libavformat/avformat.h>
#include <libavutil/mathematics.h>
}

#include "media/compose/cycle_timeline.h"
#include "media/compose/ts_slice_reader.h"
#include "media/ts/av_error.h"

namespace liverec::media::compose {
namespace {

constexpr AVRational kTsClock = {1, static_cast<int>(CycleTimeline::kTicksPerSecond)};
// The first packets of a slice are read ahead until every track has shown up, to find the
// slice's first DTS (and, for the first slice, an AAC frame to configure the file with).
constexpr size_t kMaxLookahead = 512;

struct PacketDeleter {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;

struct ReadPacket {
  TrackKind kind;
  PacketPtr packet;
};

int TrackIndex(TrackKind kind) {
  return kind == TrackKind::kVideo ? CycleTimeline::kVideo : CycleTimeline::kAudio;
}

// One output file in the making.
class Composition {
 public:
  Composition(ContainerFormat format, std::string path, const ComposeOptions& options)
      : format_(format),
        path_(std::move(path)),
        options_(options),
        timeline_(options.max_slice_jump_ms * CycleTimeline::kTicksPerSecond / 1000) {}

  Status AddSlice(TsSliceReader& reader, size_t index, ComposeReport& report);
  Status Finish() { return muxer_ ? muxer_->Finish() : Status::Ok(); }
  const CycleTimeline& timeline() const { return timeline_; }
  bool started() const { return muxer_ != nullptr; }

 private:
  Result<std::vector<ReadPacket>> ReadAhead(TsSliceReader& reader);
  Status Push(TsSliceReader& reader, ReadPacket& read, ComposeReport& report);
  Status FlushPending(TsSliceReader& reader, bool torn, ComposeReport& report);
  Status Copy(TsSliceReader& reader, ReadPacket& read, ComposeReport& report);

  ContainerFormat format_;
  std::string path_;
  const ComposeOptions& options_;
  CycleTimeline timeline_;
  std::unique_ptr<ComposeMuxer> muxer_;
  // Each track's latest packet, held back until the next one (or the end of the slice) shows
  // whether it is the slice's last.
  std::array<std::optional<ReadPacket>, 2> pending_;
};

Result<std::vector<ReadPacket>> Composition::ReadAhead(TsSliceReader& reader) {
  std::vector<ReadPacket> packets;
  bool video_seen = reader.video() == nullptr;
  bool audio_seen = reader.audio() == nullptr;
  while (packets.size() < kMaxLookahead && !(video_seen && audio_seen)) {
    PacketPtr packet(av_packet_alloc());
    if (!packet) return Error(ts::AvError(AVERROR(ENOMEM), "av_packet_alloc"));
    TrackKind kind;
    auto more = reader.Read(packet.get(), kind);
    if (!more) return Error(more.error());
    if (!*more) break;
    (kind == TrackKind::kVideo ? video_seen : audio_seen) = true;
    packets.push_back({kind, std::move(packet)});
  }
  return packets;
}

// The smallest DTS and PTS of `packets`, in the TS clock; kNoTimestamp when none has one.
struct SliceStart {
  int64_t dts = CycleTimeline::kNoTimestamp;
  int64_t pts = CycleTimeline::kNoTimestamp;
};

SliceStart StartOf(const TsSliceReader& reader, const std::vector<ReadPacket>& packets) {
  SliceStart start;
  auto lower = [](int64_t& slot, int64_t ticks) {
    slot = slot == CycleTimeline::kNoTimestamp ? ticks : std::min(slot, ticks);
  };
  for (const ReadPacket& read : packets) {
    const AVPacket* p = read.packet.get();
    const int64_t dts = p->dts != AV_NOPTS_VALUE ? p->dts : p->pts;
    if (dts == AV_NOPTS_VALUE) continue;
    const int64_t pts = p->pts != AV_NOPTS_VALUE ? p->pts : dts;
    const AVStream* stream = read.kind == TrackKind::kVideo ? reader.video() : reader.audio();
    lower(start.dts, av_rescale_q(dts, stream->time_base, kTsClock));
    lower(start.pts, av_rescale_q(pts, stream->time_base, kTsClock));
  }
  return start;
}

const AVPacket* FirstAudio(const std::vector<ReadPacket>& packets) {
  for (const ReadPacket& read : packets) {
    if (read.kind == TrackKind::kAudio) return read.packet.get();
  }
  return nullptr;
}

Status Composition::AddSlice(TsSliceReader& reader, size_t index, ComposeReport& report) {
  auto ahead = ReadAhead(reader);
  if (!ahead) return ahead.error();
  const SliceStart start = StartOf(reader, *ahead);
  if (start.dts == CycleTimeline::kNoTimestamp) return Status::Ok();  // no timed media
  const bool resumed = std::find(options_.resumed_slices.begin(), options_.resumed_slices.end(),
                                 index) != options_.resumed_slices.end();
  if (timeline_.BeginSlice(start.dts, start.pts, resumed)) report.rebased_slices.push_back(index);
  if (!muxer_) {
    auto muxer =
        ComposeMuxer::Create(format_, path_, reader.video() ? reader.video()->codecpar : nullptr,
                             reader.audio() ? reader.audio()->codecpar : nullptr,
                             FirstAudio(*ahead), options_.mp4_writer);
    if (!muxer) return muxer.error();
    muxer_ = std::move(*muxer);
  }
  for (ReadPacket& read : *ahead) LIVEREC_RETURN_IF_ERROR(Push(reader, read, report));
  ReadPacket read{TrackKind::kVideo, PacketPtr(av_packet_alloc())};
  while (true) {
    if (!read.packet) return ts::AvError(AVERROR(ENOMEM), "av_packet_alloc");
    auto more = reader.Read(read.packet.get(), read.kind);
    if (!more) return more.error();
    if (!*more) break;
    LIVEREC_RETURN_IF_ERROR(Push(reader, read, report));
  }
  const bool torn = std::find(options_.torn_slices.begin(), options_.torn_slices.end(), index) !=
                    options_.torn_slices.end();
  return FlushPending(reader, torn, report);
}

// Writes the track's held-back packet and holds `read` back instead; `read` is left with a
// blank packet to read into.
Status Composition::Push(TsSliceReader& reader, ReadPacket& read, ComposeReport& report) {
  std::optional<ReadPacket>& pending = pending_[static_cast<size_t>(TrackIndex(read.kind))];
  if (!pending) {
    pending = std::move(read);
    read = ReadPacket{TrackKind::kVideo, PacketPtr(av_packet_alloc())};
    return Status::Ok();
  }
  std::swap(read, *pending);
  return Copy(reader, read, report);
}

Status Composition::FlushPending(TsSliceReader& reader, bool torn, ComposeReport& report) {
  Status status;
  for (std::optional<ReadPacket>& pending : pending_) {
    if (pending && torn) ++report.dropped_packets;
    if (pending && !torn && status.ok()) status = Copy(reader, *pending, report);
    pending.reset();
  }
  return status;
}

// Moves one packet onto the cycle's timeline and into the file.
Status Composition::Copy(TsSliceReader& reader, ReadPacket& read, ComposeReport& report) {
  AVPacket* p = read.packet.get();
  const AVStream* stream = read.kind == TrackKind::kVideo ? reader.video() : reader.audio();
  auto ticks = [&](int64_t ts) {
    return ts == AV_NOPTS_VALUE ? CycleTimeline::kNoTimestamp
                                : av_rescale_q(ts, stream->time_base, kTsClock);
  };
  const int64_t duration = p->duration > 0 ? ticks(p->duration) : 0;
  const CycleTimeline::Stamp stamp =
      timeline_.Map(TrackIndex(read.kind), ticks(p->dts), ticks(p->pts), duration);
  p->dts = stamp.dts;
  p->pts = stamp.pts;
  p->duration = duration;
  p->time_base = kTsClock;
  Status status = muxer_->Write(read.kind, p);
  if (status.code() == ErrorCode::kMediaMalformed) {  // one bad AAC frame: leave it out
    ++report.dropped_packets;
    return Status::Ok();
  }
  return status;
}

void Describe(const TsSliceReader& reader, ComposeReport& report) {
  if (const auto video = reader.video_parameters()) {
    report.video_codec = video->codec;
    report.width = video->width;
    report.height = video->height;
  }
  if (const auto audio = reader.audio_parameters()) {
    report.audio_codec = audio->codec;
    report.sample_rate = audio->sample_rate;
    report.channels = audio->channels;
  }
}

// The configuration a file is made for; every slice in it must have the same.
struct FileParameters {
  std::optional<TrackParameters> video;
  std::optional<TrackParameters> audio;
  bool operator==(const FileParameters&) const = default;
};

FileParameters ParametersOf(const TsSliceReader& reader) {
  return {reader.video_parameters(), reader.audio_parameters()};
}

// Gives the finished file its final name. Not fsynced: the caller stores the file (the local
// bucket fsyncs what it keeps; S3 keeps its own copy) and a crash before that composes anew.
Status Rename(const std::string& from, const std::string& to) {
  std::error_code error;
  std::filesystem::rename(from, to, error);
  if (error) {
    return Status(ErrorCode::kStorageFailure, {}, to + ": rename: " + error.message());
  }
  return Status::Ok();
}

Result<ComposeReport> ComposeInto(const std::vector<std::string>& ts_paths, ContainerFormat format,
                                  const std::string& tmp_path, const ComposeOptions& options) {
  ComposeReport report;
  Composition composition(format, tmp_path, options);
  std::optional<FileParameters> file_parameters;
  // The first slice, probed; the others are opened like it (TsSliceReader::OpenLike).
  std::unique_ptr<TsSliceReader> first;
  for (size_t i = 0; i < ts_paths.size(); ++i) {
    auto reader =
        first ? TsSliceReader::OpenLike(ts_paths[i], *first) : TsSliceReader::Open(ts_paths[i]);
    if (!reader) return Error(reader.error());
    if (!file_parameters) {
      file_parameters = ParametersOf(**reader);
      Describe(**reader, report);
    } else if (ParametersOf(**reader) != *file_parameters) {
      report.parameter_change_at = i;
      break;
    }
    Status status = composition.AddSlice(**reader, i, report);
    if (!status.ok()) {
      const bool named = status.detail().find(ts_paths[i]) != std::string::npos;
      return Error(named ? status : status.WithContext("TS slice " + ts_paths[i]));
    }
    report.slices_composed = i + 1;
    if (!first) first = std::move(*reader);
  }
  if (!composition.started()) {
    return Error(ErrorCode::kMediaMalformed, {}, "no timed media in the TS slices");
  }
  LIVEREC_RETURN_IF_ERROR(composition.Finish());
  const CycleTimeline& timeline = composition.timeline();
  report.duration_ms = timeline.duration() * 1000 / CycleTimeline::kTicksPerSecond;
  return report;
}

}  // namespace

Result<ComposeReport> ComposeCycle(const std::vector<std::string>& ts_paths, ContainerFormat format,
                                   const std::string& output_path, const ComposeOptions& options) {
  if (ts_paths.empty()) {
    return Error(ErrorCode::kMediaMalformed, {},
                 "no TS slices to compose " + output_path + " from");
  }
  const std::string tmp_path = output_path + ".tmp";
  auto report = ComposeInto(ts_paths, format, tmp_path, options);
  Status status = report ? Rename(tmp_path, output_path) : report.error();
  if (!status.ok()) {
    std::error_code ignored;
    std::filesystem::remove(tmp_path, ignored);
    return Error(status);
  }
  std::error_code error;
  report->bytes = std::filesystem::file_size(output_path, error);
  return report;
}

}  // namespace liverec::media::compose
