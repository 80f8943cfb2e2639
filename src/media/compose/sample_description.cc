#include "media/compose/sample_description.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/mem.h>
}

#include "media/ts/av_error.h"
#include "media/ts/codec_parameters.h"

namespace liverec::media::compose {
namespace {

using ts::AvError;

uint32_t ReadU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// The first box of `type` directly inside `data` (a run of boxes with 32-bit sizes).
std::optional<std::span<const uint8_t>> FindBox(std::span<const uint8_t> data, const char* type) {
  size_t at = 0;
  while (at + 8 <= data.size()) {
    const uint32_t size = ReadU32(data.data() + at);
    if (size < 8 || size > data.size() - at) return std::nullopt;
    if (std::memcmp(data.data() + at + 4, type, 4) == 0) return data.subspan(at, size);
    at += size;
  }
  return std::nullopt;
}

// stsd inside moov/trak/mdia/minf/stbl.
std::optional<std::span<const uint8_t>> FindSampleDescription(std::span<const uint8_t> file) {
  std::optional<std::span<const uint8_t>> box = file;
  bool top = true;
  for (const char* type : {"moov", "trak", "mdia", "minf", "stbl", "stsd"}) {
    box = FindBox(top ? *box : box->subspan(8), type);
    if (!box) return std::nullopt;
    top = false;
  }
  return box;
}

struct Muxer {
  ~Muxer() {
    if (context == nullptr) return;
    if (context->pb != nullptr) {
      uint8_t* buffer = nullptr;
      avio_close_dyn_buf(context->pb, &buffer);
      av_free(buffer);
      context->pb = nullptr;
    }
    avformat_free_context(context);
  }
  AVFormatContext* context = nullptr;
};

Status AddStream(AVFormatContext* context, const AVCodecParameters* parameters,
                 std::span<const uint8_t> first_keyframe) {
  AVStream* stream = avformat_new_stream(context, nullptr);
  if (stream == nullptr) return AvError(AVERROR(ENOMEM), "avformat_new_stream");
  AVCodecParameters* out = stream->codecpar;
  if (int err = avcodec_parameters_copy(out, parameters); err < 0) {
    return AvError(err, "avcodec_parameters_copy");
  }
  out->codec_tag = out->codec_id == AV_CODEC_ID_HEVC ? MKTAG('h', 'v', 'c', '1') : 0;
  const bool parameter_sets_in_band =
      out->codec_id == AV_CODEC_ID_H264 || out->codec_id == AV_CODEC_ID_HEVC;
  if (parameter_sets_in_band && out->extradata_size == 0 && !first_keyframe.empty()) {
    LIVEREC_RETURN_IF_ERROR(ts::SetExtradata(out, first_keyframe));
  }
  stream->time_base = out->codec_type == AVMEDIA_TYPE_AUDIO && out->sample_rate > 0
                          ? AVRational{1, out->sample_rate}
                          : AVRational{1, 90000};
  return Status::Ok();
}

}  // namespace

Result<std::vector<uint8_t>> SampleDescriptionBox(const AVCodecParameters* parameters,
                                                  std::span<const uint8_t> first_keyframe) {
  Muxer muxer;
  if (int err = avformat_alloc_output_context2(&muxer.context, nullptr, "mp4", nullptr); err < 0) {
    return Error(AvError(err, "avformat_alloc_output_context2"));
  }
  LIVEREC_RETURN_IF_ERROR(AddStream(muxer.context, parameters, first_keyframe));
  if (int err = avio_open_dyn_buf(&muxer.context->pb); err < 0) {
    return Error(AvError(err, "avio_open_dyn_buf"));
  }
  // Fragmented, with the moov written by the header: nothing but the header is muxed.
  AVDictionary* options = nullptr;
  av_dict_set(&options, "movflags", "frag_keyframe+empty_moov", 0);
  const int err = avformat_write_header(muxer.context, &options);
  av_dict_free(&options);
  if (err < 0) return Error(AvError(err, "avformat_write_header (sample description)"));
  avio_flush(muxer.context->pb);
  uint8_t* buffer = nullptr;
  const int size = avio_get_dyn_buf(muxer.context->pb, &buffer);
  const auto stsd = FindSampleDescription({buffer, static_cast<size_t>(std::max(size, 0))});
  if (!stsd) {
    return Error(ErrorCode::kMuxerFailure, {},
                 std::string("libavformat wrote no sample description for ") +
                     avcodec_get_name(parameters->codec_id));
  }
  std::vector<uint8_t> box(stsd->begin(), stsd->end());
  const char* configuration = parameters->codec_id == AV_CODEC_ID_H264   ? "avcC"
                              : parameters->codec_id == AV_CODEC_ID_HEVC ? "hvcC"
                                                                         : nullptr;
  if (configuration != nullptr &&
      std::search(box.begin(), box.end(), configuration, configuration + 4) == box.end()) {
    return Error(ErrorCode::kMediaMalformed, {},
                 std::string(avcodec_get_name(parameters->codec_id)) +
                     " track without parameter sets: no decoder configuration for MP4");
  }
  return box;
}

}  // namespace liverec::media::compose
