#include "media/compose/adts_to_asc_filter.h"

#include <cerrno>

extern "C" {
#include <libavcodec/bsf.h>
#include <libavcodec/packet.h>
}

#include "media/ts/av_error.h"

namespace liverec::media::compose {

using ts::AvError;

Result<std::unique_ptr<AdtsToAscFilter>> AdtsToAscFilter::Create(
    const AVCodecParameters* parameters) {
  const AVBitStreamFilter* filter = av_bsf_get_by_name("aac_adtstoasc");
  if (filter == nullptr) {
    return Error(ErrorCode::kMuxerFailure, {}, "libavcodec lacks the aac_adtstoasc filter");
  }
  AVBSFContext* context = nullptr;
  if (int err = av_bsf_alloc(filter, &context); err < 0) {
    return Error(AvError(err, "av_bsf_alloc"));
  }
  AVPacket* output = av_packet_alloc();
  std::unique_ptr<AdtsToAscFilter> self(new AdtsToAscFilter(context, output));
  if (output == nullptr) {
    return Error(AvError(AVERROR(ENOMEM), "av_packet_alloc"));
  }
  if (int err = avcodec_parameters_copy(context->par_in, parameters); err < 0) {
    return Error(AvError(err, "avcodec_parameters_copy"));
  }
  context->time_base_in = {1, 90000};
  if (int err = av_bsf_init(context); err < 0) {
    return Error(AvError(err, "av_bsf_init(aac_adtstoasc)"));
  }
  return self;
}

AdtsToAscFilter::~AdtsToAscFilter() {
  av_packet_free(&output_);
  av_bsf_free(&context_);
}

// The filter announces the configuration once, as NEW_EXTRADATA side data of its first
// output packet; that packet is dropped here (the caller writes the frame again).
Result<std::vector<uint8_t>> AdtsToAscFilter::ConfigFrom(const AVPacket* packet) {
  AVPacket* copy = av_packet_clone(packet);
  if (copy == nullptr) return Error(AvError(AVERROR(ENOMEM), "av_packet_clone"));
  int err = av_bsf_send_packet(context_, copy);
  av_packet_free(&copy);
  if (err >= 0) err = av_bsf_receive_packet(context_, output_);
  if (err < 0) {
    return Error(ErrorCode::kMediaMalformed, {}, "first AAC frame is not valid ADTS");
  }
  size_t size = 0;
  const uint8_t* data = av_packet_get_side_data(output_, AV_PKT_DATA_NEW_EXTRADATA, &size);
  std::vector<uint8_t> config(data, data + (data == nullptr ? 0 : size));
  av_packet_unref(output_);
  if (config.empty()) {
    return Error(ErrorCode::kMediaMalformed, {}, "no AudioSpecificConfig in the first AAC frame");
  }
  return config;
}

namespace {

// aac_frame_length (ISO/IEC 13818-7 §6.2.1, adts_variable_header): 13 bits from bit 30 of the
// header, the header included.
bool TruncatedAdts(const AVPacket* packet) {
  if (packet->size < 7) return true;
  const uint8_t* h = packet->data;
  const int frame_length = ((h[3] & 0x03) << 11) | (h[4] << 3) | (h[5] >> 5);
  return packet->size < frame_length;
}

}  // namespace

Status AdtsToAscFilter::Filter(AVPacket* packet, const std::function<Status(AVPacket*)>& emit) {
  if (TruncatedAdts(packet)) {  // the end of a torn slice
    av_packet_unref(packet);
    return Status(ErrorCode::kMediaMalformed, {}, "truncated ADTS frame");
  }
  if (int err = av_bsf_send_packet(context_, packet); err < 0) {
    av_packet_unref(packet);
    return Status(ErrorCode::kMediaMalformed, {}, "AAC frame is not valid ADTS");
  }
  while (true) {
    const int err = av_bsf_receive_packet(context_, output_);
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return Status::Ok();
    if (err < 0) return Status(ErrorCode::kMediaMalformed, {}, "AAC frame is not valid ADTS");
    av_packet_free_side_data(output_);
    Status status = emit(output_);
    av_packet_unref(output_);
    LIVEREC_RETURN_IF_ERROR(status);
  }
}

}  // namespace liverec::media::compose
