#include "media/ts/libav_ts_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

extern "C" {
#include <libavcodec/packet.h>
#include <libavformat/avformat.h>
#include <libavutil/mathematics.h>
}

#include "media/ts/annexb_filter.h"
#include "media/ts/av_error.h"
#include "media/ts/avio_byte_sink.h"
#include "media/ts/codec_parameters.h"

namespace liverec::media::ts {
namespace {

constexpr int kMillisecondsPerSecond = 1000;
// The AVIO buffer goes to the sink when it is full (32 KiB) and at least once per this much
// media, so a crash takes at most about this much of the newest media at any bitrate (32 KiB
// last ~1 s at 250 kbit/s); 400 ms as the own writer's (ts_slice_writer.cc).
constexpr int64_t kMaxBufferedMediaMs = 400;
constexpr AVRational kMillisecondTimeBase = {1, kMillisecondsPerSecond};

struct Track {
  CodecId codec = CodecId::kUnknown;
  AVStream* stream = nullptr;
  std::unique_ptr<AnnexbFilter> filter;  // video only
  int64_t last_dts = AV_NOPTS_VALUE;     // in the stream's time base, as written
};

bool IsVideo(CodecId codec) { return codec == CodecId::kH264 || codec == CodecId::kHevc; }

}  // namespace

struct LibavTsWriter::Impl {
  ~Impl() {
    av_packet_free(&packet);
    avformat_free_context(format);  // runs the muxer's deinit when the header was written
  }

  Status AddTrack(const CodecConfig& config, std::optional<Track>& track);
  Status WriteToMuxer(Track& track, AVPacket* av_packet);
  // The sink's failure if there was one (the real cause), else the libavformat error.
  Status Failure(int av_error, std::string_view what) const {
    return avio->sink_status().ok() ? AvError(av_error, what) : avio->sink_status();
  }

  std::unique_ptr<AvioByteSink> avio;
  AVFormatContext* format = nullptr;
  AVPacket* packet = nullptr;
  std::optional<Track> video;
  std::optional<Track> audio;
  bool finished = false;
  // DTS of the packet after which the AVIO buffer was last flushed (the first packet's at first).
  std::optional<int64_t> flushed_at_ms;
};

Status LibavTsWriter::Impl::AddTrack(const CodecConfig& config, std::optional<Track>& track) {
  track.emplace();
  track->codec = config.codec;
  track->stream = avformat_new_stream(format, nullptr);
  if (track->stream == nullptr) {
    return AvError(AVERROR(ENOMEM), "avformat_new_stream");
  }
  track->stream->time_base = kMillisecondTimeBase;
  if (!IsVideo(config.codec)) {
    return FillCodecParameters(config, track->stream->codecpar);
  }
  auto filter = AnnexbFilter::Create(config, kMillisecondsPerSecond);
  if (!filter) {
    return filter.error();
  }
  track->filter = std::move(*filter);
  if (int err =
          avcodec_parameters_copy(track->stream->codecpar, track->filter->output_parameters());
      err < 0) {
    return AvError(err, "avcodec_parameters_copy");
  }
  return Status::Ok();
}

Result<std::unique_ptr<LibavTsWriter>> LibavTsWriter::Create(
    const std::optional<CodecConfig>& video, const std::optional<CodecConfig>& audio,
    ByteSink& sink) {
  if (!video && !audio) {
    return Error(ErrorCode::kMediaUnsupported, {}, "a TS slice needs a video or audio track");
  }
  if ((video && !IsVideo(video->codec)) ||
      (audio && audio->codec != CodecId::kAac && audio->codec != CodecId::kMp3)) {
    return Error(ErrorCode::kMediaUnsupported, {}, "TS slice track codec");
  }
  auto impl = std::make_unique<Impl>();
  auto avio = AvioByteSink::Create(sink);
  if (!avio) {
    return Error(avio.error());
  }
  impl->avio = std::move(*avio);
  if (int err = avformat_alloc_output_context2(&impl->format, nullptr, "mpegts", nullptr);
      err < 0) {
    return Error(AvError(err, "avformat_alloc_output_context2"));
  }
  impl->format->pb = impl->avio->context();
  impl->format->flags |= AVFMT_FLAG_CUSTOM_IO;
  // The AVIO buffer (32 KiB) goes to the sink when full, not after every packet (libavformat's
  // default for an output without seek): one write per 32 KiB instead of one per packet.
  impl->format->flush_packets = 0;
  impl->packet = av_packet_alloc();
  if (impl->packet == nullptr) {
    return Error(AvError(AVERROR(ENOMEM), "av_packet_alloc"));
  }
  if (video) LIVEREC_RETURN_IF_ERROR(impl->AddTrack(*video, impl->video));
  if (audio) LIVEREC_RETURN_IF_ERROR(impl->AddTrack(*audio, impl->audio));
  // PAT and PMT open every slice (the mpegts muxer's default), so each slice stands alone.
  // A PCR at least every 40 ms (ISO/IEC 13818-1 §2.7.2 asks for 100 ms at most); without the
  // option libavformat guesses from frame rates and frame sizes that RTMP does not give us.
  AVDictionary* options = nullptr;
  av_dict_set(&options, "pcr_period", "40", 0);
  const int err = avformat_write_header(impl->format, &options);
  av_dict_free(&options);
  if (err < 0) {
    return Error(impl->Failure(err, "avformat_write_header"));
  }
  return std::unique_ptr<LibavTsWriter>(new LibavTsWriter(std::move(impl)));
}

LibavTsWriter::LibavTsWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LibavTsWriter::~LibavTsWriter() = default;

// Rescales ms to the stream's 90 kHz and keeps DTS strictly increasing (libavformat refuses
// anything else): a repeated or backward DTS, which RTMP encoders do send, moves up one tick.
Status LibavTsWriter::Impl::WriteToMuxer(Track& track, AVPacket* av_packet) {
  av_packet_rescale_ts(av_packet, kMillisecondTimeBase, track.stream->time_base);
  if (track.last_dts != AV_NOPTS_VALUE && av_packet->dts <= track.last_dts) {
    av_packet->dts = track.last_dts + 1;
  }
  av_packet->pts = std::max(av_packet->pts, av_packet->dts);
  track.last_dts = av_packet->dts;
  av_packet->stream_index = track.stream->index;
  if (int err = av_interleaved_write_frame(format, av_packet); err < 0) {
    return Failure(err, "av_interleaved_write_frame");
  }
  return avio->sink_status();
}

Status LibavTsWriter::Write(const MediaPacket& packet) {
  Impl& impl = *impl_;
  if (impl.finished) {
    return Status(ErrorCode::kMuxerFailure, {}, "TS slice written after Finish");
  }
  std::optional<Track>& track = packet.kind == TrackKind::kVideo ? impl.video : impl.audio;
  if (!track || track->codec != packet.codec) {
    return Status(ErrorCode::kMediaUnsupported, {},
                  std::string("packet of a track the TS slice was not created with: ") +
                      std::string(CodecName(packet.codec)));
  }
  if (packet.data.empty()) {
    return Status(ErrorCode::kMediaMalformed, {}, "empty media packet");
  }
  AVPacket* av_packet = impl.packet;
  if (int err = av_new_packet(av_packet, static_cast<int>(packet.data.size())); err < 0) {
    return AvError(err, "av_new_packet");
  }
  std::memcpy(av_packet->data, packet.data.data(), packet.data.size());
  av_packet->dts = packet.dts_ms;
  av_packet->pts = packet.pts_ms;
  av_packet->flags = packet.keyframe ? AV_PKT_FLAG_KEY : 0;
  Status status;
  if (!track->filter) {
    status = impl.WriteToMuxer(*track, av_packet);
    av_packet_unref(av_packet);
  } else {
    status = track->filter->Filter(
        av_packet, [&](AVPacket* filtered) { return impl.WriteToMuxer(*track, filtered); });
  }
  if (!status.ok()) return status;
  if (!impl.flushed_at_ms) {
    impl.flushed_at_ms = packet.dts_ms;
  } else if (packet.dts_ms - *impl.flushed_at_ms >= kMaxBufferedMediaMs) {
    impl.flushed_at_ms = packet.dts_ms;
    return impl.avio->Flush();  // no write when the buffer is empty
  }
  return Status::Ok();
}

Status LibavTsWriter::Finish() {
  Impl& impl = *impl_;
  if (impl.finished) {
    return Status(ErrorCode::kMuxerFailure, {}, "TS slice finished twice");
  }
  impl.finished = true;
  if (int err = av_write_trailer(impl.format); err < 0) {
    return impl.Failure(err, "av_write_trailer");
  }
  return impl.avio->Flush();
}

}  // namespace liverec::media::ts
