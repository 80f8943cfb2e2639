#include "media/compose/ts_slice_reader.h"

#include <algorithm>
#include <span>
#include <string>
#include <utility>

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

// Calls `each` with every NAL unit of Annex B bytes (ITU-T H.264 Annex B / H.265 Annex B),
// without its start code and trailing zero bytes (the demuxer keeps the zero byte of a
// following 4-byte start code in one slice and not in the next, for the same NAL unit). False
// when the bytes hold no start code.
template <typename Each>
bool ForEachNal(std::span<const uint8_t> data, Each each) {
  const size_t size = data.size();
  auto start_code_at = [&](size_t i) {
    return i + 3 <= size && data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1;
  };
  size_t pos = 0;
  while (pos < size && !start_code_at(pos)) ++pos;
  if (pos == size) return false;
  while (pos < size) {
    const size_t begin = pos + 3;
    size_t end = begin;
    while (end < size && !start_code_at(end)) ++end;
    pos = end;
    while (end > begin && data[end - 1] == 0) --end;
    each(data.subspan(begin, end - begin));
  }
  return true;
}

void AppendWithLength(std::span<const uint8_t> nal, std::vector<uint8_t>& out) {
  const auto length = static_cast<uint32_t>(nal.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(length >> shift));
  out.insert(out.end(), nal.begin(), nal.end());
}

// The parameter sets of Annex B extradata, each with a 4-byte length, so that the same sets
// compare equal however the slices framed them.
std::vector<uint8_t> NormalizedParameterSets(const uint8_t* data, size_t size) {
  std::vector<uint8_t> out;
  const std::span<const uint8_t> bytes(data, size);
  if (!ForEachNal(bytes, [&](std::span<const uint8_t> nal) { AppendWithLength(nal, out); })) {
    return std::vector<uint8_t>(bytes.begin(), bytes.end());  // not Annex B: as is
  }
  return out;
}

// The parameter sets (H.264 SPS, PPS and SPS extension; HEVC VPS, SPS and PPS) among the NAL
// units of an Annex B access unit, normalized as above; empty when it has none.
std::vector<uint8_t> ParameterSetsOf(CodecId codec, std::span<const uint8_t> access_unit) {
  std::vector<uint8_t> out;
  ForEachNal(access_unit, [&](std::span<const uint8_t> nal) {
    if (nal.empty()) return;
    const bool parameter_set =
        codec == CodecId::kH264
            ? (nal[0] & 0x1f) == 7 || (nal[0] & 0x1f) == 8 || (nal[0] & 0x1f) == 13
            : ((nal[0] >> 1) & 0x3f) >= 32 && ((nal[0] >> 1) & 0x3f) <= 34;
    if (parameter_set) AppendWithLength(nal, out);
  });
  return out;
}

// The part of an audio frame's header that the track's parameters follow from: for an ADTS
// frame (ISO/IEC 14496-3 §1.A.2.2) its fixed header (syncword to home: profile, sampling
// frequency index, channel configuration); for an MP3 frame (ISO/IEC 11172-3 §2.4.2.3) version,
// layer, sampling frequency and mode, not the bit rate, padding or mode extension, which change
// from frame to frame. Empty when `frame` does not start with such a header, or when the
// channels are left to a program_config_element (channel configuration 0).
std::vector<uint8_t> FixedAudioHeader(CodecId codec, std::span<const uint8_t> frame) {
  if (frame.size() < 7 || frame[0] != 0xff) return {};
  if (codec == CodecId::kAac) {
    if ((frame[1] & 0xf0) != 0xf0) return {};
    const int channel_configuration = ((frame[2] & 0x01) << 2) | (frame[3] >> 6);
    if (channel_configuration == 0) return {};
    return {frame[0], frame[1], frame[2], static_cast<uint8_t>(frame[3] & 0xf0)};
  }
  if (codec == CodecId::kMp3) {
    if ((frame[1] & 0xe0) != 0xe0) return {};
    return {frame[0], frame[1], static_cast<uint8_t>(frame[2] & 0x0c),
            static_cast<uint8_t>(frame[3] & 0xcf)};
  }
  return {};
}

// Packets read at most, of the chosen tracks, before a slice's signature counts as not shown.
constexpr size_t kMaxSignaturePackets = 512;

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
  LIVEREC_RETURN_IF_ERROR(reader->ReadSignature());
  return reader;
}

Result<std::unique_ptr<TsSliceReader>> TsSliceReader::OpenLike(const std::string& path,
                                                               const TsSliceReader& like) {
  if (like.signature_) {
    std::unique_ptr<TsSliceReader> reader(new TsSliceReader(path));
    LIVEREC_RETURN_IF_ERROR(reader->OpenInput());
    if (reader->TakeOver(like).ok()) {
      LIVEREC_RETURN_IF_ERROR(reader->ReadSignature());
      if (reader->signature_ == like.signature_) return reader;
    }
  }
  return Open(path);  // another configuration, or one its first packets do not show
}

TsSliceReader::~TsSliceReader() {
  for (auto& [kind, packet] : ahead_) av_packet_free(&packet);
  avformat_close_input(&format_);
}

Status TsSliceReader::Malformed(std::string_view what) const {
  return Status(ErrorCode::kMediaMalformed, {}, "TS slice " + path_ + ": " + std::string(what));
}

Status TsSliceReader::OpenInput() {
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
  return Status::Ok();
}

Status TsSliceReader::Init() {
  LIVEREC_RETURN_IF_ERROR(OpenInput());
  if (int err = avformat_find_stream_info(format_, nullptr); err < 0) {
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

// Takes `like`'s choice of tracks and their parameters, when this slice's streams have the
// same codecs in the same order; the demuxer then times the packets as after a probe (audio
// durations need the sample rate, video ones may need the frame rate).
Status TsSliceReader::TakeOver(const TsSliceReader& like) {
  if (format_->nb_streams != like.format_->nb_streams) return Malformed("another stream layout");
  for (unsigned i = 0; i < format_->nb_streams; ++i) {
    AVStream* stream = format_->streams[i];
    const AVStream* model = like.format_->streams[i];
    if (stream->codecpar->codec_id != model->codecpar->codec_id) {
      return Malformed("another stream layout");
    }
    if (int err = avcodec_parameters_copy(stream->codecpar, model->codecpar); err < 0) {
      return Malformed("avcodec_parameters_copy: " + AvText(err));
    }
    stream->r_frame_rate = model->r_frame_rate;
    stream->avg_frame_rate = model->avg_frame_rate;
    stream->discard = model->discard;
    if (model == like.video_) video_ = stream;
    if (model == like.audio_) audio_ = stream;
  }
  probed_ = false;
  return Status::Ok();
}

Status TsSliceReader::ReadSignature() {
  Signature signature;
  for (unsigned i = 0; i < format_->nb_streams; ++i) {
    signature.codec_ids.push_back(format_->streams[i]->codecpar->codec_id);
  }
  bool video_seen = video_ == nullptr;
  bool audio_seen = audio_ == nullptr;
  bool shown = true;
  while (!(video_seen && audio_seen) && ahead_.size() < kMaxSignaturePackets) {
    AVPacket* packet = av_packet_alloc();
    if (packet == nullptr) return Malformed("out of memory");
    TrackKind kind;
    auto more = ReadFromDemuxer(packet, kind);
    if (!more || !*more) {
      av_packet_free(&packet);
      if (!more) return more.error();
      break;
    }
    ahead_.emplace_back(kind, packet);
    const std::span<const uint8_t> data(packet->data, static_cast<size_t>(packet->size));
    if (kind == TrackKind::kVideo && !video_seen) {
      video_seen = true;
      signature.parameter_sets = ParameterSetsOf(CodecOf(video_->codecpar), data);
      shown &= (packet->flags & AV_PKT_FLAG_KEY) != 0 && !signature.parameter_sets.empty();
    } else if (kind == TrackKind::kAudio && !audio_seen) {
      audio_seen = true;
      signature.audio_header = FixedAudioHeader(CodecOf(audio_->codecpar), data);
      shown &= !signature.audio_header.empty();
    }
  }
  if (shown && video_seen && audio_seen) signature_ = std::move(signature);
  return Status::Ok();
}

Result<bool> TsSliceReader::Read(AVPacket* packet, TrackKind& kind) {
  if (!ahead_.empty()) {
    av_packet_unref(packet);
    auto [ahead_kind, ahead_packet] = ahead_.front();
    ahead_.pop_front();
    av_packet_move_ref(packet, ahead_packet);
    av_packet_free(&ahead_packet);
    kind = ahead_kind;
    return true;
  }
  return ReadFromDemuxer(packet, kind);
}

Result<bool> TsSliceReader::ReadFromDemuxer(AVPacket* packet, TrackKind& kind) {
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
