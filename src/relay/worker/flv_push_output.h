// FlvPushOutput: the relay's destination, an RTMP publish written by libavformat's FLV muxer
// by stream copy (no transcoding). It carries what FLV can carry in FFmpeg 5.1: H.264 video,
// AAC or MP3 audio; anything else is refused before connecting (CheckFlvCodecs). Opening and
// every write are bounded by the spec's timeouts and abort at once on a stop request. Packets
// go through av_interleaved_write_frame, so audio and video leave in DTS order. Errors are
// PushStreamFailed with a detail for logs.
// Thread-safety: one thread at a time (the pipeline thread).
#pragma once

#include <memory>
#include <string>

extern "C" {
#include <libavformat/avformat.h>
}

#include "relay/egress/connect_plan.h"
#include "relay/worker/io_deadline.h"
#include "relay/worker/relay_error.h"
#include "relay/worker/relay_spec.h"

namespace liverec::relay::worker {

// Ok when `video` / `audio` (either may be null, not both) can be pushed as FLV; otherwise a
// PullStreamFailed naming the codec: the source's content is what cannot be relayed.
RelayResult<void> CheckFlvCodecs(const AVCodecParameters* video, const AVCodecParameters* audio);

class FlvPushOutput {
 public:
  // Connects to `url` as `plan` says (egress/connect_plan.h), publishes, and writes the FLV
  // header with the given streams' codec parameters (video becomes output stream 0 when present,
  // audio the next).
  static RelayResult<std::unique_ptr<FlvPushOutput>> Open(
      const std::string& url, const egress::ConnectPlan& plan, const AVCodecParameters* video,
      const AVCodecParameters* audio, const RelayTimeouts& timeouts, const StopSignal& stop);
  // Lets go of the connection; without Finish() no trailer is written.
  ~FlvPushOutput();
  FlvPushOutput(const FlvPushOutput&) = delete;
  FlvPushOutput& operator=(const FlvPushOutput&) = delete;

  int video_index() const { return video_index_; }  // -1 when absent
  int audio_index() const { return audio_index_; }  // -1 when absent
  const AVStream* stream(int index) const { return context_->streams[index]; }

  // Writes `packet` (stream_index and timestamps already in output terms); takes its data.
  RelayResult<void> Write(AVPacket* packet);
  // Flushes the interleaving queue and writes the trailer.
  RelayResult<void> Finish();

 private:
  FlvPushOutput(const StopSignal& stop, std::string url_for_logs, RelayTimeouts timeouts)
      : deadline_(stop), url_for_logs_(std::move(url_for_logs)), timeouts_(timeouts) {}
  tl::unexpected<RelayError> Failed(const std::string& what, int av_error) const;
  RelayResult<void> AddStream(const AVCodecParameters* parameters, int* index);

  IoDeadline deadline_;
  std::string url_for_logs_;
  RelayTimeouts timeouts_;
  AVFormatContext* context_ = nullptr;
  bool header_written_ = false;
  int video_index_ = -1;
  int audio_index_ = -1;
};

}  // namespace liverec::relay::worker
