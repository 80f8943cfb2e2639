#include "relay/worker/av_source.h"

#include <cstring>
#include <optional>
#include <string>

extern "C" {
#include <libavutil/dict.h>
#include <libavutil/mem.h>
}

#include "media/libav_log.h"

namespace liverec::relay::worker {
namespace {

// The best stream of `type`, skipping cover art; -1 if none.
int BestStream(AVFormatContext* context, AVMediaType type) {
  const int index = av_find_best_stream(context, type, -1, -1, nullptr, 0);
  if (index < 0) return -1;
  if (context->streams[index]->disposition & AV_DISPOSITION_ATTACHED_PIC) return -1;
  return index;
}

// avformat_open_input, apart: FFmpeg 5.1's httpproxy client (a source opened through the egress
// proxy) leaks a few bytes of every CONNECT answer it parses, which tests/sanitizers/lsan.supp
// names by this function, so it must do nothing but call into libav.
[[gnu::noinline]] int CallLibavOpenInput(AVFormatContext** context, const std::string& url,
                                         AVDictionary** options) {
  return avformat_open_input(context, url.c_str(), nullptr, options);
}

// Options of libavformat 5.1's RTSP demuxer for a relay source: RTP interleaved on the one TCP
// connection (no UDP ports to open), its socket I/O timeout (microseconds), audio and video only.
void SetRtspOptions(AVDictionary** options, const RelayTimeouts& timeouts) {
  av_dict_set(options, "rtsp_transport", "tcp", 0);
  av_dict_set_int(options, "timeout", timeouts.io.count() * 1000, 0);
  av_dict_set(options, "allowed_media_types", "video+audio", 0);
}

// libavformat 5.1's RTSP demuxer answers a 3xx to OPTIONS or DESCRIBE (rtsp.c, ff_rtsp_connect)
// by setting the context's URL to the Location, logging this line, and connecting to the new
// host by itself, with no check of ours in between. The watch sees the line and takes tcp off
// the context's protocol whitelist, so that this connection is refused before it is made.
constexpr const char* kRtspRedirectFormat = "Status %d: Redirecting to %s\n";

class RtspRedirectRefusal {
 public:
  explicit RtspRedirectRefusal(AVFormatContext* context)
      : watch_([this, context](void* logged, const char* format) {
          if (logged != context || std::strcmp(format, kRtspRedirectFormat) != 0) return;
          refused_ = UrlForLogs(context->url ? context->url : "");
          av_free(context->protocol_whitelist);
          context->protocol_whitelist = av_strdup("none");
        }) {}
  // The Location refused, or "".
  const std::string& refused() const { return refused_; }

 private:
  std::string refused_;
  media::ScopedLibavLogWatch watch_;
};

}  // namespace

std::string UrlForLogs(const std::string& url) { return url.substr(0, url.find_first_of("?#")); }

RelayResult<std::unique_ptr<AvSource>> AvSource::Open(SourceKind kind, const std::string& url,
                                                      const egress::ConnectPlan& plan,
                                                      egress::ConnectionGate* gate,
                                                      const RelayTimeouts& timeouts,
                                                      const StopSignal& stop) {
  const auto protocols = SourceProtocolWhitelist(kind, plan.url);
  if (!protocols) return PullFailed("source scheme not allowed: " + UrlForLogs(url));
  std::unique_ptr<AvSource> source(new AvSource(stop, UrlForLogs(url), timeouts));

  AVFormatContext* context = avformat_alloc_context();
  if (context == nullptr) return PullFailed("out of memory");
  context->interrupt_callback = source->deadline_.Callback();
  if (!plan.nested_proxy.empty()) {
    source->guard_ = std::make_unique<NestedOpenGuard>(plan.nested_proxy, gate);
    source->guard_->Install(context);
  }
  AVDictionary* options = nullptr;
  av_dict_set(&options, "protocol_whitelist", protocols->c_str(), 0);
  av_dict_set(&options, "format_whitelist", SourceFormatWhitelist(kind).c_str(), 0);
  av_dict_set_int(&options, "rw_timeout", timeouts.io.count() * 1000, 0);  // microseconds
  if (kind == SourceKind::kRtsp) SetRtspOptions(&options, timeouts);
  for (const auto& [key, value] : plan.options) {
    av_dict_set(&options, key.c_str(), value.c_str(), 0);
  }
  source->deadline_.Arm(timeouts.open);
  std::optional<RtspRedirectRefusal> redirects;
  if (plan.refuse_redirects) redirects.emplace(context);
  const int opened = CallLibavOpenInput(&context, plan.url, &options);
  av_dict_free(&options);
  const std::string redirected = redirects ? redirects->refused() : "";
  redirects.reset();
  if (!redirected.empty()) {
    if (gate != nullptr) {
      gate->NoteRefusal("RTSP redirect to " + redirected,
                        "redirects are not followed (the relay cannot check where they lead)");
    }
    if (opened >= 0) avformat_close_input(&context);
    return PullFailed("open " + source->url_for_logs_ + ": the server redirects to " + redirected +
                      ", which is not followed");
  }
  if (opened < 0) return source->Failed("open", opened);  // libav freed `context`
  source->context_ = context;

  source->deadline_.Arm(timeouts.open);
  const int probed = avformat_find_stream_info(context, nullptr);
  if (probed < 0) return source->Failed("probe", probed);
  source->video_index_ = BestStream(context, AVMEDIA_TYPE_VIDEO);
  source->audio_index_ = BestStream(context, AVMEDIA_TYPE_AUDIO);
  if (source->video_index_ < 0 && source->audio_index_ < 0) {
    return PullFailed(source->url_for_logs_ + ": no audio or video stream");
  }
  for (unsigned i = 0; i < context->nb_streams; ++i) {
    const int index = static_cast<int>(i);
    if (index != source->video_index_ && index != source->audio_index_) {
      context->streams[i]->discard = AVDISCARD_ALL;
    }
  }
  return source;
}

AvSource::~AvSource() { avformat_close_input(&context_); }

tl::unexpected<RelayError> AvSource::Failed(const std::string& what, int av_error) const {
  std::string reason = deadline_.TimedOut() ? "timed out" : AvErrorText(av_error);
  return PullFailed(what + " " + url_for_logs_ + ": " + reason);
}

int64_t AvSource::StartUs() const {
  return context_->start_time == AV_NOPTS_VALUE ? 0 : context_->start_time;
}

bool AvSource::OffsetPastEnd(int64_t offset_s) const {
  return context_->duration != AV_NOPTS_VALUE && context_->duration > 0 &&
         offset_s * AV_TIME_BASE >= context_->duration;
}

RelayResult<void> AvSource::Seek(int64_t offset_s) {
  deadline_.Arm(timeouts_.open);
  const int64_t target = StartUs() + offset_s * AV_TIME_BASE;
  const int sought = av_seek_frame(context_, -1, target, AVSEEK_FLAG_BACKWARD);
  if (sought < 0) return Failed("seek " + std::to_string(offset_s) + " s in", sought);
  return {};
}

RelayResult<AvSource::ReadStatus> AvSource::Read(AVPacket* packet) {
  while (true) {
    av_packet_unref(packet);
    deadline_.Arm(timeouts_.io);
    const int read = av_read_frame(context_, packet);
    if (read == AVERROR_EOF) return ReadStatus::kEnd;
    if (read < 0) return Failed("read", read);
    if (packet->stream_index == video_index_ || packet->stream_index == audio_index_) {
      return ReadStatus::kPacket;
    }
  }
}

}  // namespace liverec::relay::worker
