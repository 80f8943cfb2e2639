#include "media/ts/codec_parameters.h"

#include <cerrno>
#include <cstring>

extern "C" {
#include <libavcodec/codec_par.h>
#include <libavcodec/defs.h>
#include <libavutil/channel_layout.h>
#include <libavutil/mem.h>
}

#include "media/ts/av_error.h"

namespace liverec::media::ts {
namespace {

AVCodecID ToAvCodecId(CodecId codec) {
  switch (codec) {
    case CodecId::kH264:
      return AV_CODEC_ID_H264;
    case CodecId::kHevc:
      return AV_CODEC_ID_HEVC;
    case CodecId::kAac:
      return AV_CODEC_ID_AAC;
    case CodecId::kMp3:
      return AV_CODEC_ID_MP3;
    default:
      return AV_CODEC_ID_NONE;
  }
}

// Samples per frame: AAC 1024 (ISO/IEC 14496-3 §4.5.1.1, 960-sample variants aside);
// MPEG-1 Layer III 1152, MPEG-2/2.5 Layer III 576 (ISO/IEC 13818-3).
int FrameSize(const CodecConfig& config) {
  if (config.codec == CodecId::kAac) return 1024;
  if (config.codec == CodecId::kMp3) return config.sample_rate >= 32000 ? 1152 : 576;
  return 0;
}

}  // namespace

Status FillCodecParameters(const CodecConfig& config, AVCodecParameters* parameters) {
  const AVCodecID codec_id = ToAvCodecId(config.codec);
  if (codec_id == AV_CODEC_ID_NONE) {
    return Status(ErrorCode::kMediaUnsupported, {}, "codec unknown to the TS writer");
  }
  const bool video = config.codec == CodecId::kH264 || config.codec == CodecId::kHevc;
  parameters->codec_type = video ? AVMEDIA_TYPE_VIDEO : AVMEDIA_TYPE_AUDIO;
  parameters->codec_id = codec_id;
  LIVEREC_RETURN_IF_ERROR(SetExtradata(parameters, config.extradata));
  if (video) {
    parameters->width = config.width;
    parameters->height = config.height;
  } else {
    parameters->sample_rate = config.sample_rate;
    parameters->frame_size = FrameSize(config);
    av_channel_layout_uninit(&parameters->ch_layout);
    if (config.channels > 0) {
      av_channel_layout_default(&parameters->ch_layout, config.channels);
    }
  }
  return Status::Ok();
}

Status SetExtradata(AVCodecParameters* parameters, std::span<const uint8_t> bytes) {
  av_freep(&parameters->extradata);
  parameters->extradata_size = 0;
  if (bytes.empty()) return Status::Ok();
  parameters->extradata =
      static_cast<uint8_t*>(av_mallocz(bytes.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (parameters->extradata == nullptr) return AvError(AVERROR(ENOMEM), "extradata");
  std::memcpy(parameters->extradata, bytes.data(), bytes.size());
  parameters->extradata_size = static_cast<int>(bytes.size());
  return Status::Ok();
}

}  // namespace liverec::media::ts
