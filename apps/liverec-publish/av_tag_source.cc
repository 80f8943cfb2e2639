#include "av_tag_source.h"

#include <algorithm>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
}

namespace liverec::publish {
namespace {

using media::rtmp::Amf0Property;
using media::rtmp::Amf0Value;

std::string AvErrorText(int error) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(error, text, sizeof text);
  return text;
}

std::span<const uint8_t> Extradata(const AVCodecParameters* codecpar) {
  return {codecpar->extradata, static_cast<size_t>(std::max(codecpar->extradata_size, 0))};
}

// avcC and hvcC both start with configurationVersion 1; Annex B starts with a start code.
bool IsConfigurationRecord(std::span<const uint8_t> extradata) {
  return extradata.size() >= 7 && extradata[0] == 1;
}

}  // namespace

Result<std::unique_ptr<AvTagSource>> AvTagSource::Open(const std::string& path,
                                                       HevcMode hevc_mode) {
  std::unique_ptr<AvTagSource> source(new AvTagSource(path, hevc_mode));
  LIVEREC_RETURN_IF_ERROR(source->OpenInput());
  LIVEREC_RETURN_IF_ERROR(source->CheckStreams());
  source->QueueHeaders();
  return source;
}

AvTagSource::~AvTagSource() { Close(); }

void AvTagSource::Close() {
  for (AVPacket* packet : held_) av_packet_free(&packet);
  held_.clear();
  if (packet_ != nullptr) av_packet_free(&packet_);
  if (format_ != nullptr) avformat_close_input(&format_);
}

Status AvTagSource::OpenInput() {
  Close();
  int error = avformat_open_input(&format_, path_.c_str(), nullptr, nullptr);
  if (error < 0) {
    return Status(ErrorCode::kInvalidParameter, "input", path_ + ": " + AvErrorText(error));
  }
  error = avformat_find_stream_info(format_, nullptr);
  if (error < 0) {
    return Status(ErrorCode::kMediaMalformed, "", path_ + ": " + AvErrorText(error));
  }
  packet_ = av_packet_alloc();
  video_index_ = av_find_best_stream(format_, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  audio_index_ = av_find_best_stream(format_, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  return Status::Ok();
}

Status AvTagSource::CheckStreams() {
  if (video_index_ < 0 && audio_index_ < 0) {
    return Status(ErrorCode::kMediaUnsupported, "", path_ + ": no video or audio stream");
  }
  if (video_index_ >= 0) {
    const AVCodecParameters* video = format_->streams[video_index_]->codecpar;
    if (video->codec_id == AV_CODEC_ID_H264) {
      video_style_ = VideoTagStyle::kAvc;
    } else if (video->codec_id == AV_CODEC_ID_HEVC) {
      video_style_ = hevc_mode_ == HevcMode::kEnhanced ? VideoTagStyle::kHevcEnhanced
                                                       : VideoTagStyle::kHevcCodec12;
    } else {
      return Status(
          ErrorCode::kMediaUnsupported, "",
          path_ + ": video codec " + avcodec_get_name(video->codec_id) + " (H.264 or HEVC only)");
    }
    if (!IsConfigurationRecord(Extradata(video))) {
      return Status(ErrorCode::kMediaUnsupported, "",
                    path_ + ": video without an avcC/hvcC record (Annex B); remux to MP4 first");
    }
  }
  if (audio_index_ >= 0) {
    const AVCodecParameters* audio = format_->streams[audio_index_]->codecpar;
    if (audio->codec_id != AV_CODEC_ID_AAC || audio->extradata_size < 2) {
      return Status(ErrorCode::kMediaUnsupported, "",
                    path_ + ": audio codec " + avcodec_get_name(audio->codec_id) +
                        " (AAC with an AudioSpecificConfig only)");
    }
  }
  return Status::Ok();
}

// onMetaData (FLV spec §E.5), then the sequence headers.
void AvTagSource::QueueHeaders() {
  std::vector<Amf0Property> properties;
  if (format_->duration > 0) {
    properties.push_back(
        {"duration", Amf0Value::Number(static_cast<double>(format_->duration) / 1e6)});
  }
  if (video_index_ >= 0) {
    const AVStream* stream = format_->streams[video_index_];
    double codec_id = video_style_ == VideoTagStyle::kAvc           ? 7
                      : video_style_ == VideoTagStyle::kHevcCodec12 ? 12
                                                                    : kFourCcHvc1;
    properties.push_back({"width", Amf0Value::Number(stream->codecpar->width)});
    properties.push_back({"height", Amf0Value::Number(stream->codecpar->height)});
    properties.push_back({"videocodecid", Amf0Value::Number(codec_id)});
    if (stream->avg_frame_rate.den != 0) {
      properties.push_back({"framerate", Amf0Value::Number(av_q2d(stream->avg_frame_rate))});
    }
  }
  if (audio_index_ >= 0) {
    const AVCodecParameters* audio = format_->streams[audio_index_]->codecpar;
    properties.push_back({"audiocodecid", Amf0Value::Number(10)});
    properties.push_back({"audiosamplerate", Amf0Value::Number(audio->sample_rate)});
    properties.push_back({"audiochannels", Amf0Value::Number(audio->ch_layout.nb_channels)});
    properties.push_back({"stereo", Amf0Value::Boolean(audio->ch_layout.nb_channels == 2)});
  }
  properties.push_back({"encoder", Amf0Value::String("liverec-publish")});
  headers_.push_back(FlvTag{FlvTagType::kScriptData, 0, OnMetaData(std::move(properties))});
  if (video_index_ >= 0) {
    auto record = Extradata(format_->streams[video_index_]->codecpar);
    headers_.push_back(FlvTag{FlvTagType::kVideo, 0, VideoSequenceHeader(video_style_, record)});
  }
  if (audio_index_ >= 0) {
    auto config = Extradata(format_->streams[audio_index_]->codecpar);
    headers_.push_back(FlvTag{FlvTagType::kAudio, 0, AacSequenceHeader(config)});
  }
}

int64_t AvTagSource::ToMs(int64_t value, int stream_index) const {
  return av_rescale_q(value, format_->streams[stream_index]->time_base, AVRational{1, 1000});
}

// Timestamps stay as in the file here (possibly negative); Next shifts them.
std::optional<FlvTag> AvTagSource::TagFor(const AVPacket& packet) {
  int64_t dts = packet.dts != AV_NOPTS_VALUE ? packet.dts : packet.pts;
  if (dts == AV_NOPTS_VALUE || packet.size <= 0) return std::nullopt;
  int64_t dts_ms = ToMs(dts, packet.stream_index);
  std::span<const uint8_t> data(packet.data, static_cast<size_t>(packet.size));
  if (packet.stream_index == audio_index_) {
    return FlvTag{FlvTagType::kAudio, dts_ms, AacFrame(data)};
  }
  int64_t pts = packet.pts != AV_NOPTS_VALUE ? packet.pts : dts;
  auto composition = static_cast<int32_t>(ToMs(pts, packet.stream_index) - dts_ms);
  bool keyframe = (packet.flags & AV_PKT_FLAG_KEY) != 0;
  return FlvTag{FlvTagType::kVideo, dts_ms, VideoFrame(video_style_, keyframe, composition, data)};
}

Result<bool> AvTagSource::ReadPacket() {
  int error = av_read_frame(format_, packet_);
  if (error == AVERROR_EOF) {
    DateHeldVideo(std::nullopt);
    return false;
  }
  if (error < 0) return Error(ErrorCode::kMediaMalformed, "", path_ + ": " + AvErrorText(error));
  bool video = packet_->stream_index == video_index_;
  if (video && packet_->dts == AV_NOPTS_VALUE && held_.size() < kMaxHeldPackets) {
    held_.push_back(av_packet_clone(packet_));
  } else if (video || packet_->stream_index == audio_index_) {
    if (video && !held_.empty()) DateHeldVideo(packet_->dts);
    if (auto tag = TagFor(*packet_)) packets_.push_back(std::move(*tag));
  }
  av_packet_unref(packet_);
  return true;
}

// Matroska leaves the DTS of the first video packets unset when frames are reordered (their PTS
// is in presentation order). They wait for the first packet with a DTS and are dated backwards
// from it, one frame duration each, so decode timestamps stay monotonic. At the end of the file
// (no DTS came) they take their PTS.
void AvTagSource::DateHeldVideo(std::optional<int64_t> next_dts) {
  const AVStream* stream = format_->streams[video_index_];
  int64_t step = av_rescale_q(40, AVRational{1, 1000}, stream->time_base);
  if (stream->avg_frame_rate.num > 0 && stream->avg_frame_rate.den > 0) {
    step =
        std::max<int64_t>(1, av_rescale_q(1, av_inv_q(stream->avg_frame_rate), stream->time_base));
  }
  for (size_t i = 0; i < held_.size(); ++i) {
    AVPacket* packet = held_[i];
    if (next_dts && *next_dts != AV_NOPTS_VALUE) {
      packet->dts = *next_dts - static_cast<int64_t>(held_.size() - i) * step;
    }
    if (auto tag = TagFor(*packet)) packets_.push_back(std::move(*tag));
    av_packet_free(&packet);
  }
  held_.clear();
}

// Reads until every track has a packet (B-frames give video a negative first DTS in MP4), then
// shifts all timestamps by the same amount so the earliest is 0 at least.
Status AvTagSource::ChooseOffset() {
  auto seen = [&](FlvTagType type) {
    return std::any_of(packets_.begin(), packets_.end(),
                       [&](const FlvTag& tag) { return tag.type == type; });
  };
  auto need_more = [&] {
    if (packets_.size() >= 1000) return false;
    return (video_index_ >= 0 && !seen(FlvTagType::kVideo)) ||
           (audio_index_ >= 0 && !seen(FlvTagType::kAudio));
  };
  while (need_more()) {
    auto more = ReadPacket();
    if (!more) return more.error();
    if (!*more) break;
  }
  int64_t earliest = 0;
  for (const auto& tag : packets_) earliest = std::min(earliest, tag.timestamp_ms);
  offset_ms_ = -earliest;
  offset_set_ = true;
  return Status::Ok();
}

Result<std::optional<FlvTag>> AvTagSource::Next() {
  if (!headers_.empty()) {
    FlvTag tag = std::move(headers_.front());
    headers_.pop_front();
    return std::optional<FlvTag>(std::move(tag));
  }
  if (!offset_set_) LIVEREC_RETURN_IF_ERROR(ChooseOffset());
  while (packets_.empty()) {
    auto more = ReadPacket();
    if (!more) return tl::unexpected(more.error());
    if (!*more && packets_.empty()) return std::nullopt;
  }
  FlvTag tag = std::move(packets_.front());
  packets_.pop_front();
  tag.timestamp_ms = std::max<int64_t>(0, tag.timestamp_ms + offset_ms_);
  return std::optional<FlvTag>(std::move(tag));
}

Status AvTagSource::Rewind() {
  headers_.clear();
  packets_.clear();
  offset_set_ = false;
  LIVEREC_RETURN_IF_ERROR(OpenInput());
  LIVEREC_RETURN_IF_ERROR(CheckStreams());
  QueueHeaders();
  return Status::Ok();
}

}  // namespace liverec::publish
