#include "media/compose/compose_muxer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/mem.h>
}

#include "media/compose/adts_to_asc_filter.h"
#include "media/compose/mp4_file_writer.h"
#include "media/compose/ts_slice_reader.h"
#include "media/ts/av_error.h"
#include "media/ts/codec_parameters.h"

namespace liverec::media::compose {
namespace {

using ts::AvError;

constexpr AVRational kTsClock = {1, 90000};

struct Track {
  ~Track() { avcodec_parameters_free(&parameters); }
  TrackKind kind = TrackKind::kVideo;
  AVCodecParameters* parameters = nullptr;  // as the file describes the track
  AVStream* stream = nullptr;               // libavformat's muxer only
  std::unique_ptr<AdtsToAscFilter> adts;    // AAC only
  int64_t last_dts = AV_NOPTS_VALUE;        // in the stream's time base, as written
};

Status Unsupported(std::string detail) {
  return Status(ErrorCode::kMediaUnsupported, {}, std::move(detail));
}

// FLV's SoundRate field (annex E.4.2.1) has 5.5/11/22/44 kHz only; libavformat refuses the
// rest for every codec but AAC (which carries its own rate) and 8 kHz MP3 (SoundFormat 14).
bool FlvCarriesRate(const AVCodecParameters* audio) {
  if (audio->codec_id == AV_CODEC_ID_AAC) return true;
  const int rate = audio->sample_rate;
  return rate == 44100 || rate == 22050 || rate == 11025 ||
         (audio->codec_id == AV_CODEC_ID_MP3 && rate == 8000);
}

Status CheckSupported(const AVOutputFormat* container, ContainerFormat format,
                      const AVCodecParameters* parameters) {
  const char* codec = avcodec_get_name(parameters->codec_id);
  const char* name = format == ContainerFormat::kMp4 ? "MP4" : "FLV";
  if (avformat_query_codec(container, parameters->codec_id, FF_COMPLIANCE_NORMAL) != 1) {
    return Unsupported(std::string(codec) + " in " + name + " is not supported by libavformat " +
                       LIBAVFORMAT_IDENT);
  }
  if (format == ContainerFormat::kFlv && parameters->codec_type == AVMEDIA_TYPE_AUDIO &&
      !FlvCarriesRate(parameters)) {
    return Unsupported(std::string(codec) + " at " + std::to_string(parameters->sample_rate) +
                       " Hz cannot be stored in FLV");
  }
  return Status::Ok();
}

}  // namespace

struct ComposeMuxer::Impl {
  ~Impl() {
    if (format != nullptr) {
      avio_closep(&format->pb);
      avformat_free_context(format);  // runs the muxer's deinit
    }
  }

  Status AddTrack(ContainerFormat container, TrackKind kind, const AVCodecParameters* parameters,
                  const AVPacket* first_audio, std::optional<Track>& track);
  Status AddStream(Track& track);
  Status WriteToMuxer(Track& track, AVPacket* packet);
  Status Emit(Track& track, AVPacket* packet);

  const AVOutputFormat* container = nullptr;
  AVFormatContext* format = nullptr;       // libavformat's muxer
  std::unique_ptr<Mp4FileWriter> own_mp4;  // or liverec's MP4 writer
  std::optional<Track> video;
  std::optional<Track> audio;
  bool finished = false;
};

Status ComposeMuxer::Impl::AddTrack(ContainerFormat container_format, TrackKind kind,
                                    const AVCodecParameters* parameters,
                                    const AVPacket* first_audio, std::optional<Track>& track) {
  LIVEREC_RETURN_IF_ERROR(CheckSupported(container, container_format, parameters));
  track.emplace();
  track->kind = kind;
  track->parameters = avcodec_parameters_alloc();
  if (track->parameters == nullptr) return AvError(AVERROR(ENOMEM), "avcodec_parameters_alloc");
  AVCodecParameters* out = track->parameters;
  if (int err = avcodec_parameters_copy(out, parameters); err < 0) {
    return AvError(err, "avcodec_parameters_copy");
  }
  out->codec_tag = 0;  // the TS stream type means nothing in the new container
  if (container_format == ContainerFormat::kMp4 && out->codec_id == AV_CODEC_ID_HEVC) {
    out->codec_tag = MKTAG('h', 'v', 'c', '1');
  }
  if (out->codec_id != AV_CODEC_ID_AAC) return Status::Ok();
  if (first_audio == nullptr) {
    return Status(ErrorCode::kMediaMalformed, {}, "AAC track without a frame");
  }
  auto adts = AdtsToAscFilter::Create(parameters);
  if (!adts) return adts.error();
  track->adts = std::move(*adts);
  auto config = track->adts->ConfigFrom(first_audio);
  if (!config) return config.error();
  return ts::SetExtradata(out, *config);
}

Status ComposeMuxer::Impl::AddStream(Track& track) {
  track.stream = avformat_new_stream(format, nullptr);
  if (track.stream == nullptr) return AvError(AVERROR(ENOMEM), "avformat_new_stream");
  if (int err = avcodec_parameters_copy(track.stream->codecpar, track.parameters); err < 0) {
    return AvError(err, "avcodec_parameters_copy");
  }
  track.stream->time_base = kTsClock;  // a hint; the muxer picks its own in write_header
  return Status::Ok();
}

Result<std::unique_ptr<ComposeMuxer>> ComposeMuxer::Create(
    ContainerFormat format, const std::string& path, const AVCodecParameters* video,
    const AVCodecParameters* audio, const AVPacket* first_audio, Mp4Writer mp4_writer) {
  if (video == nullptr && audio == nullptr) {
    return Error(ErrorCode::kMediaMalformed, {}, "nothing to compose: no video or audio track");
  }
  auto impl = std::make_unique<Impl>();
  const char* name = format == ContainerFormat::kMp4 ? "mp4" : "flv";
  impl->container = av_guess_format(name, nullptr, nullptr);
  if (impl->container == nullptr) {
    return Error(ErrorCode::kMuxerFailure, {}, std::string("libavformat has no ") + name);
  }
  if (video) {
    LIVEREC_RETURN_IF_ERROR(impl->AddTrack(format, TrackKind::kVideo, video, nullptr, impl->video));
  }
  if (audio) {
    LIVEREC_RETURN_IF_ERROR(
        impl->AddTrack(format, TrackKind::kAudio, audio, first_audio, impl->audio));
  }
  if (format == ContainerFormat::kMp4 && mp4_writer == Mp4Writer::kOwn) {
    auto writer = Mp4FileWriter::Create(path, impl->video ? impl->video->parameters : nullptr,
                                        impl->audio ? impl->audio->parameters : nullptr);
    if (!writer) return Error(writer.error());
    impl->own_mp4 = std::move(*writer);
    return std::unique_ptr<ComposeMuxer>(new ComposeMuxer(std::move(impl)));
  }
  // "file:" so that a colon in the path is never read as another protocol; the MP4 muxer
  // opens this URL again for reading to move the moov (faststart).
  const std::string url = "file:" + path;
  if (int err =
          avformat_alloc_output_context2(&impl->format, impl->container, nullptr, url.c_str());
      err < 0) {
    return Error(AvError(err, "avformat_alloc_output_context2"));
  }
  for (std::optional<Track>* track : {&impl->video, &impl->audio}) {
    if (*track) LIVEREC_RETURN_IF_ERROR(impl->AddStream(**track));
  }
  AVDictionary* options = nullptr;
  av_dict_set(&options, "protocol_whitelist", "file", 0);
  int err = avio_open2(&impl->format->pb, url.c_str(), AVIO_FLAG_WRITE, nullptr, &options);
  av_dict_free(&options);
  if (err < 0) {
    return Error(ErrorCode::kStorageFailure, {},
                 path + ": cannot create: " + AvError(err, "avio_open").detail());
  }
  if (format == ContainerFormat::kMp4) av_dict_set(&options, "movflags", "+faststart", 0);
  err = avformat_write_header(impl->format, &options);
  av_dict_free(&options);
  if (err < 0) return Error(AvError(err, "avformat_write_header"));
  return std::unique_ptr<ComposeMuxer>(new ComposeMuxer(std::move(impl)));
}

ComposeMuxer::ComposeMuxer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ComposeMuxer::~ComposeMuxer() = default;

// Rescales from the TS clock to the muxer's time base, where two packets may meet (FLV counts
// milliseconds): a DTS not above the track's previous one moves up one unit.
Status ComposeMuxer::Impl::WriteToMuxer(Track& track, AVPacket* packet) {
  av_packet_rescale_ts(packet, kTsClock, track.stream->time_base);
  if (track.last_dts != AV_NOPTS_VALUE && packet->dts <= track.last_dts) {
    packet->dts = track.last_dts + 1;
  }
  packet->pts = std::max(packet->pts, packet->dts);
  track.last_dts = packet->dts;
  packet->stream_index = track.stream->index;
  packet->pos = -1;
  if (int err = av_interleaved_write_frame(format, packet); err < 0) {
    return AvError(err, "av_interleaved_write_frame");
  }
  return Status::Ok();
}

// To liverec's MP4 writer (which takes the TS clock and keeps the track's DTS increasing
// itself), or to libavformat's muxer.
Status ComposeMuxer::Impl::Emit(Track& track, AVPacket* packet) {
  if (own_mp4) return own_mp4->Write(track.kind, packet);
  return WriteToMuxer(track, packet);
}

Status ComposeMuxer::Write(TrackKind kind, AVPacket* packet) {
  Impl& impl = *impl_;
  std::optional<Track>& track = kind == TrackKind::kVideo ? impl.video : impl.audio;
  if (impl.finished || !track) {
    av_packet_unref(packet);
    return Status(ErrorCode::kMuxerFailure, {}, "packet for a track the file does not have");
  }
  if (!track->adts) {
    Status status = impl.Emit(*track, packet);
    av_packet_unref(packet);
    return status;
  }
  return track->adts->Filter(packet, [&](AVPacket* raw) { return impl.Emit(*track, raw); });
}

Status ComposeMuxer::Finish() {
  Impl& impl = *impl_;
  if (impl.finished) return Status(ErrorCode::kMuxerFailure, {}, "file finished twice");
  impl.finished = true;
  if (impl.own_mp4) return impl.own_mp4->Finish();
  if (int err = av_write_trailer(impl.format); err < 0) {
    return AvError(err, "av_write_trailer");
  }
  if (int err = avio_closep(&impl.format->pb); err < 0) {
    return Status(ErrorCode::kStorageFailure, {}, AvError(err, "avio_close").detail());
  }
  return Status::Ok();
}

}  // namespace liverec::media::compose
