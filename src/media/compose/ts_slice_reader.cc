#include "media/compose/ts_slice_reader.h"

#include <algorithm>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace liverec::media::compose {
namespace {

bool IsVideo(CodecId codec) { return codec == CodecId::kH264 || codec == CodecId::kHevc; }

std::string AvText(int av_error) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(av_error, text, sizeof(text));
  return text;
}

// A track is usable once the demuxer knows enough to describe it in another container.
bool Usable(const AVCodecParameters* parameters) {
  const CodecId codec = CodecOf(parameters);
  if (codec == CodecId::kUnknown) return false;
  if (IsVideo(codec)) return parameters->width > 0 && parameters->height > 0;
  return parameters->sample_rate > 0 && parameters->ch_layout.nb_channels > 0;
}

// The parameter sets of Annex B extradata (ITU-T H.264 Annex B / H.265 Annex B), each with a
// 4-byte length, without start codes and trailing_zero_8bits: the demuxer keeps the zero byte
// of a following 4-byte start code in one slice and not in the next, for the same sets.
std::vector<uint8_t> NormalizedParameterSets(const uint8_t* data, size_t size) {
  std::vector<uint8_t> out;
  size_t pos = 0;
  auto start_code_at = [&](size_t i) {
    return i + 3 <= size && data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1;
  };
  while (pos < size && !start_code_at(pos)) ++pos;
  if (pos == size) return std::vector<uint8_t>(data, data + size);  // not Annex B: as is
  while (pos < size) {
    const size_t begin = pos + 3;
    size_t end = begin;
    while (end < size && !start_code_at(end)) ++end;
    pos = end;
    while (end > begin && data[end - 1] == 0) --end;
    const auto length = static_cast<uint32_t>(end - begin);
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<uint8_t>(length >> shift));
    out.insert(out.end(), data + begin, data + end);
  }
  return out;
}

TrackParameters ParametersOf(const AVStream* stream) {
  const AVCodecParameters* p = stream->codecpar;
  TrackParameters out;
  out.codec = CodecOf(p);
  out.profile = p->profile;
  if (IsVideo(out.codec)) {
    out.width = p->width;
    out.height = p->height;
    out.parameter_sets =
        NormalizedParameterSets(p->extradata, static_cast<size_t>(std::max(p->extradata_size, 0)));
  } else {
    out.sample_rate = p->sample_rate;
    out.channels = p->ch_layout.nb_channels;
  }
  return out;
}

}  // namespace

CodecId CodecOf(const AVCodecParameters* parameters) {
  switch (parameters->codec_id) {
    case AV_CODEC_ID_H264:
      return CodecId::kH264;
    case AV_CODEC_ID_HEVC:
      return CodecId::kHevc;
    case AV_CODEC_ID_AAC:
      return CodecId::kAac;
    case AV_CODEC_ID_MP3:
      return CodecId::kMp3;
    default:
      return CodecId::kUnknown;
  }
}

Result<std::unique_ptr<TsSliceReader>> TsSliceReader::Open(const std::string& path) {
  std::unique_ptr<TsSliceReader> reader(new TsSliceReader(path));
  LIVEREC_RETURN_IF_ERROR(reader->Init());
  return reader;
}

TsSliceReader::~TsSliceReader() { avformat_close_input(&format_); }

Status TsSliceReader::Malformed(std::string_view what) const {
  return Status(ErrorCode::kMediaMalformed, {}, "TS slice " + path_ + ": " + std::string(what));
}

Status TsSliceReader::Init() {
  AVDictionary* options = nullptr;
  av_dict_set(&options, "protocol_whitelist", "file", 0);
  // "file:" so that a colon in the path is never read as another protocol.
  int err = avformat_open_input(&format_, ("file:" + path_).c_str(), av_find_input_format("mpegts"),
                                &options);
  av_dict_free(&options);
  if (err < 0) {
    // avformat_open_input frees the context on failure.
    const ErrorCode code =
        err == AVERROR_INVALIDDATA ? ErrorCode::kMediaMalformed : ErrorCode::kStorageFailure;
    return Status(code, {}, "TS slice " + path_ + ": cannot open: " + AvText(err));
  }
  if (err = avformat_find_stream_info(format_, nullptr); err < 0) {
    return Malformed("no stream information: " + AvText(err));
  }
  bool other_codec = false;
  for (unsigned i = 0; i < format_->nb_streams; ++i) {
    AVStream* stream = format_->streams[i];
    const CodecId codec = CodecOf(stream->codecpar);
    AVStream*& slot = IsVideo(codec) ? video_ : audio_;
    if (!Usable(stream->codecpar)) {
      other_codec |= stream->codecpar->codec_type == AVMEDIA_TYPE_VIDEO ||
                     stream->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
      stream->discard = AVDISCARD_ALL;
    } else if (slot != nullptr) {
      stream->discard = AVDISCARD_ALL;
    } else {
      slot = stream;
    }
  }
  if (video_ == nullptr && audio_ == nullptr) {
    if (other_codec) {
      return Status(ErrorCode::kMediaUnsupported, {},
                    "TS slice " + path_ + ": no H.264/HEVC video or AAC/MP3 audio track");
    }
    return Malformed("no video or audio track");
  }
  return Status::Ok();
}

std::optional<TrackParameters> TsSliceReader::video_parameters() const {
  if (video_ == nullptr) return std::nullopt;
  return ParametersOf(video_);
}

std::optional<TrackParameters> TsSliceReader::audio_parameters() const {
  if (audio_ == nullptr) return std::nullopt;
  return ParametersOf(audio_);
}

Result<bool> TsSliceReader::Read(AVPacket* packet, TrackKind& kind) {
  while (true) {
    av_packet_unref(packet);
    const int err = av_read_frame(format_, packet);
    if (err == AVERROR_EOF) return false;
    if (err < 0) return Error(Malformed("read: " + AvText(err)));
    if (video_ != nullptr && packet->stream_index == video_->index) {
      kind = TrackKind::kVideo;
      return true;
    }
    if (audio_ != nullptr && packet->stream_index == audio_->index) {
      kind = TrackKind::kAudio;
      return true;
    }
  }
}

}  // namespace liverec::media::compose
