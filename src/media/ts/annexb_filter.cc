#include "media/ts/annexb_filter.h"

#include <cerrno>

extern "C" {
#include <libavcodec/bsf.h>
#include <libavcodec/packet.h>
}

#include "media/ts/av_error.h"
#include "media/ts/codec_parameters.h"

namespace liverec::media::ts {

Result<std::unique_ptr<AnnexbFilter>> AnnexbFilter::Create(const CodecConfig& config,
                                                           int time_base_den) {
  const char* name = config.codec == CodecId::kH264   ? "h264_mp4toannexb"
                     : config.codec == CodecId::kHevc ? "hevc_mp4toannexb"
                                                      : nullptr;
  if (name == nullptr) {
    return Error(ErrorCode::kMediaUnsupported, {}, "no Annex B filter for this codec");
  }
  const AVBitStreamFilter* filter = av_bsf_get_by_name(name);
  if (filter == nullptr) {
    return Error(ErrorCode::kMuxerFailure, {}, std::string(name) + " is not built into libavcodec");
  }
  AVBSFContext* context = nullptr;
  if (int err = av_bsf_alloc(filter, &context); err < 0) {
    return Error(AvError(err, "av_bsf_alloc"));
  }
  AVPacket* output = av_packet_alloc();
  // Owns context and output from here on, so that every return path frees them.
  std::unique_ptr<AnnexbFilter> self(new AnnexbFilter(context, output));
  if (output == nullptr) {
    return Error(AvError(AVERROR(ENOMEM), "av_packet_alloc"));
  }
  LIVEREC_RETURN_IF_ERROR(FillCodecParameters(config, context->par_in));
  context->time_base_in = AVRational{1, time_base_den};
  if (int err = av_bsf_init(context); err < 0) {
    return Error(AvError(err, std::string(name) + " init"));
  }
  return self;
}

AnnexbFilter::~AnnexbFilter() {
  av_packet_free(&output_);
  av_bsf_free(&context_);
}

const AVCodecParameters* AnnexbFilter::output_parameters() const { return context_->par_out; }

Status AnnexbFilter::Filter(AVPacket* packet, const std::function<Status(AVPacket*)>& emit) {
  if (int err = av_bsf_send_packet(context_, packet); err < 0) {
    av_packet_unref(packet);
    return AvError(err, "bitstream filter send");
  }
  while (true) {
    const int err = av_bsf_receive_packet(context_, output_);
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) {
      return Status::Ok();
    }
    if (err < 0) {
      return AvError(err, "bitstream filter receive");
    }
    Status status = emit(output_);
    av_packet_unref(output_);
    if (!status.ok()) {
      return status;
    }
  }
}

}  // namespace liverec::media::ts
