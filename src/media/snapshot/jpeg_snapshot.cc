#include "media/snapshot/jpeg_snapshot.h"

#include <memory>
#include <string>
#include <utility>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/imgutils.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

namespace liverec::media::snapshot {
namespace {

struct CodecContextFree {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFree {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextFree>;
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;

Status Libav(const char* what, int err) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, text, sizeof(text));
  return Status(ErrorCode::kMediaMalformed, "", std::string("snapshot: ") + what + ": " + text);
}

// The decoded picture of `keyframe`.
Result<FramePtr> Decode(const CodecConfig& video, const MediaPacket& keyframe) {
  const AVCodecID id = video.codec == CodecId::kH264   ? AV_CODEC_ID_H264
                       : video.codec == CodecId::kHevc ? AV_CODEC_ID_HEVC
                                                       : AV_CODEC_ID_NONE;
  if (id == AV_CODEC_ID_NONE || keyframe.codec != video.codec) {
    return Error(ErrorCode::kMediaUnsupported, "",
                 "snapshot: only H.264 and HEVC video can be captured, not " +
                     std::string(CodecName(keyframe.codec)));
  }
  const AVCodec* decoder = avcodec_find_decoder(id);
  if (!decoder) return Error(ErrorCode::kMediaUnsupported, "", "snapshot: no decoder");
  CodecContextPtr context(avcodec_alloc_context3(decoder));
  if (!context) return Error(Libav("allocate a decoder", AVERROR(ENOMEM)));
  context->thread_count = 1;  // the worker pool is the parallelism
  context->extradata =
      static_cast<uint8_t*>(av_mallocz(video.extradata.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (!context->extradata) return Error(Libav("copy the decoder configuration", AVERROR(ENOMEM)));
  std::copy(video.extradata.begin(), video.extradata.end(), context->extradata);
  context->extradata_size = static_cast<int>(video.extradata.size());
  if (int err = avcodec_open2(context.get(), decoder, nullptr); err < 0) {
    return Error(Libav("open the decoder", err));
  }
  PacketPtr packet(av_packet_alloc());
  if (!packet || av_new_packet(packet.get(), static_cast<int>(keyframe.data.size())) < 0) {
    return Error(Libav("allocate a packet", AVERROR(ENOMEM)));
  }
  std::copy(keyframe.data.begin(), keyframe.data.end(), packet->data);
  packet->pts = keyframe.pts_ms;
  packet->dts = keyframe.dts_ms;
  packet->flags |= AV_PKT_FLAG_KEY;
  FramePtr frame(av_frame_alloc());
  if (!frame) return Error(Libav("allocate a frame", AVERROR(ENOMEM)));
  if (int err = avcodec_send_packet(context.get(), packet.get()); err < 0) {
    return Error(Libav("decode the keyframe", err));
  }
  avcodec_send_packet(context.get(), nullptr);  // drain: a decoder with delay gives it now
  if (int err = avcodec_receive_frame(context.get(), frame.get()); err < 0) {
    return Error(Libav("decode the keyframe", err));
  }
  return frame;
}

// The non-deprecated twin of a "J" (full-range) pixel format, and whether it was one: libswscale
// warns on every context made with a J format, and takes the range separately instead.
std::pair<AVPixelFormat, bool> WithoutJ(AVPixelFormat format) {
  switch (format) {
    case AV_PIX_FMT_YUVJ420P:
      return {AV_PIX_FMT_YUV420P, true};
    case AV_PIX_FMT_YUVJ422P:
      return {AV_PIX_FMT_YUV422P, true};
    case AV_PIX_FMT_YUVJ444P:
      return {AV_PIX_FMT_YUV444P, true};
    default:
      return {format, false};
  }
}

// `frame` as full-range 8-bit 4:2:0 (AV_PIX_FMT_YUV420P marked AVCOL_RANGE_JPEG), the JPEG
// encoder's input.
Result<FramePtr> ToJpegPixels(const AVFrame& frame) {
  FramePtr out(av_frame_alloc());
  if (!out) return Error(Libav("allocate a frame", AVERROR(ENOMEM)));
  out->format = AV_PIX_FMT_YUV420P;
  out->color_range = AVCOL_RANGE_JPEG;
  out->width = frame.width;
  out->height = frame.height;
  if (int err = av_frame_get_buffer(out.get(), 0); err < 0) return Error(Libav("allocate", err));
  const auto [source_format, j_format] = WithoutJ(static_cast<AVPixelFormat>(frame.format));
  // The source's range as the stream signals it (limited unless it says full), to full range:
  // set before the context is made, so that a 4:2:0 source is converted rather than copied.
  const bool source_full = j_format || frame.color_range == AVCOL_RANGE_JPEG;
  std::unique_ptr<SwsContext, SwsFree> sws(sws_alloc_context());
  if (!sws) return Error(Libav("allocate a converter", AVERROR(ENOMEM)));
  av_opt_set_int(sws.get(), "srcw", frame.width, 0);
  av_opt_set_int(sws.get(), "srch", frame.height, 0);
  av_opt_set_int(sws.get(), "src_format", source_format, 0);
  av_opt_set_int(sws.get(), "src_range", source_full ? 1 : 0, 0);
  av_opt_set_int(sws.get(), "dstw", out->width, 0);
  av_opt_set_int(sws.get(), "dsth", out->height, 0);
  av_opt_set_int(sws.get(), "dst_format", AV_PIX_FMT_YUV420P, 0);
  av_opt_set_int(sws.get(), "dst_range", 1, 0);
  av_opt_set_int(sws.get(), "sws_flags", SWS_BILINEAR, 0);
  if (sws_init_context(sws.get(), nullptr, nullptr) < 0) {
    return Error(ErrorCode::kMediaUnsupported, "",
                 std::string("snapshot: cannot convert pixel format ") +
                     av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame.format)));
  }
  sws_scale(sws.get(), frame.data, frame.linesize, 0, frame.height, out->data, out->linesize);
  return out;
}

Result<std::vector<uint8_t>> EncodeJpeg(const AVFrame& picture, int quality) {
  const AVCodec* encoder = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  if (!encoder) return Error(ErrorCode::kMediaUnsupported, "", "snapshot: no JPEG encoder");
  CodecContextPtr context(avcodec_alloc_context3(encoder));
  if (!context) return Error(Libav("allocate an encoder", AVERROR(ENOMEM)));
  context->width = picture.width;
  context->height = picture.height;
  // The full-range twin of the picture's format: what the MJPEG encoder takes as standard JPEG
  // (the same planes; only libswscale is kept from the deprecated name).
  context->pix_fmt = AV_PIX_FMT_YUVJ420P;
  context->time_base = AVRational{1, 25};
  context->flags |= AV_CODEC_FLAG_QSCALE;
  context->global_quality = FF_QP2LAMBDA * quality;
  context->thread_count = 1;
  if (int err = avcodec_open2(context.get(), encoder, nullptr); err < 0) {
    return Error(Libav("open the JPEG encoder", err));
  }
  FramePtr frame(av_frame_clone(&picture));
  if (!frame) return Error(Libav("clone a frame", AVERROR(ENOMEM)));
  frame->format = AV_PIX_FMT_YUVJ420P;
  frame->quality = context->global_quality;
  frame->pict_type = AV_PICTURE_TYPE_I;
  frame->pts = 0;
  if (int err = avcodec_send_frame(context.get(), frame.get()); err < 0) {
    return Error(Libav("encode the JPEG", err));
  }
  PacketPtr packet(av_packet_alloc());
  if (!packet) return Error(Libav("allocate a packet", AVERROR(ENOMEM)));
  if (int err = avcodec_receive_packet(context.get(), packet.get()); err < 0) {
    return Error(Libav("encode the JPEG", err));
  }
  return std::vector<uint8_t>(packet->data, packet->data + packet->size);
}

}  // namespace

Result<JpegImage> SnapshotJpeg(const CodecConfig& video, const MediaPacket& keyframe, int quality) {
  auto decoded = Decode(video, keyframe);
  if (!decoded) return Error(decoded.error());
  auto pixels = ToJpegPixels(**decoded);
  if (!pixels) return Error(pixels.error());
  auto bytes = EncodeJpeg(**pixels, quality < 2 ? 2 : quality > 31 ? 31 : quality);
  if (!bytes) return Error(bytes.error());
  return JpegImage{std::move(*bytes), (*decoded)->width, (*decoded)->height};
}

}  // namespace liverec::media::snapshot
