#include "relay/worker/flv_push_output.h"

#include "relay/worker/av_source.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/dict.h>
}

namespace liverec::relay::worker {

RelayResult<void> CheckFlvCodecs(const AVCodecParameters* video, const AVCodecParameters* audio) {
  if (video == nullptr && audio == nullptr) return PullFailed("the source has no audio or video");
  if (video != nullptr && video->codec_id != AV_CODEC_ID_H264) {
    std::string detail = std::string("video codec ") + avcodec_get_name(video->codec_id) +
                         " cannot be relayed (FLV/RTMP carries H.264 only";
    if (video->codec_id == AV_CODEC_ID_HEVC) detail += "; FFmpeg 5.1 has no HEVC-in-FLV muxer";
    return PullFailed(detail + ")");
  }
  if (audio != nullptr && audio->codec_id != AV_CODEC_ID_AAC &&
      audio->codec_id != AV_CODEC_ID_MP3) {
    return PullFailed(std::string("audio codec ") + avcodec_get_name(audio->codec_id) +
                      " cannot be relayed (FLV/RTMP carries AAC or MP3)");
  }
  return {};
}

RelayResult<std::unique_ptr<FlvPushOutput>> FlvPushOutput::Open(
    const std::string& url, const egress::ConnectPlan& plan, const AVCodecParameters* video,
    const AVCodecParameters* audio, const RelayTimeouts& timeouts, const StopSignal& stop) {
  const auto protocols = DestinationProtocolWhitelist(plan.url);
  if (!protocols) return PushFailed("destination is not rtmp: " + UrlForLogs(url));
  std::unique_ptr<FlvPushOutput> output(new FlvPushOutput(stop, UrlForLogs(url), timeouts));
  const int allocated =
      avformat_alloc_output_context2(&output->context_, nullptr, "flv", url.c_str());
  if (allocated < 0) return output->Failed("create muxer for", allocated);
  output->context_->interrupt_callback = output->deadline_.Callback();
  if (auto added = output->AddStream(video, &output->video_index_); !added)
    return tl::make_unexpected(added.error());
  if (auto added = output->AddStream(audio, &output->audio_index_); !added)
    return tl::make_unexpected(added.error());

  AVDictionary* options = nullptr;
  av_dict_set(&options, "protocol_whitelist", protocols->c_str(), 0);
  av_dict_set_int(&options, "rw_timeout", timeouts.io.count() * 1000, 0);  // microseconds
  for (const auto& [key, value] : plan.options) {
    av_dict_set(&options, key.c_str(), value.c_str(), 0);
  }
  output->deadline_.Arm(timeouts.open);
  const int opened = avio_open2(&output->context_->pb, plan.url.c_str(), AVIO_FLAG_WRITE,
                                &output->context_->interrupt_callback, &options);
  av_dict_free(&options);
  if (opened < 0) return output->Failed("connect to", opened);

  // RTMP cannot seek back: do not try to patch duration and file size at the end.
  av_dict_set(&options, "flvflags", "no_duration_filesize", 0);
  output->deadline_.Arm(timeouts.open);
  const int written = avformat_write_header(output->context_, &options);
  av_dict_free(&options);
  if (written < 0) return output->Failed("write header to", written);
  output->header_written_ = true;
  return output;
}

RelayResult<void> FlvPushOutput::AddStream(const AVCodecParameters* parameters, int* index) {
  if (parameters == nullptr) return {};
  AVStream* stream = avformat_new_stream(context_, nullptr);
  if (stream == nullptr) return PushFailed("out of memory");
  const int copied = avcodec_parameters_copy(stream->codecpar, parameters);
  if (copied < 0) return Failed("copy codec parameters for", copied);
  stream->codecpar->codec_tag = 0;  // an MP4 'avc1' tag means nothing to FLV
  *index = stream->index;
  return {};
}

FlvPushOutput::~FlvPushOutput() {
  if (context_ == nullptr) return;
  if (context_->pb != nullptr) avio_closep(&context_->pb);
  avformat_free_context(context_);
}

tl::unexpected<RelayError> FlvPushOutput::Failed(const std::string& what, int av_error) const {
  std::string reason = deadline_.TimedOut() ? "timed out" : AvErrorText(av_error);
  return PushFailed(what + " " + url_for_logs_ + ": " + reason);
}

RelayResult<void> FlvPushOutput::Write(AVPacket* packet) {
  deadline_.Arm(timeouts_.io);
  const int written = av_interleaved_write_frame(context_, packet);
  if (written < 0) return Failed("write to", written);
  return {};
}

RelayResult<void> FlvPushOutput::Finish() {
  if (!header_written_) return {};
  header_written_ = false;
  deadline_.Arm(timeouts_.io);
  const int written = av_write_trailer(context_);
  if (written < 0) return Failed("finish", written);
  return {};
}

}  // namespace liverec::relay::worker
