// AvSource: one opened relay input (a live URL or one file of a playlist) read with
// libavformat. It confines the demuxer to the protocols and formats of its SourceKind
// (relay_spec.h), bounds open and every read by the spec's timeouts, and aborts at once on a
// stop request (io_deadline.h). It picks the best video and the best audio stream and
// discards the rest. It opens what the connection plan says (egress/connect_plan.h: the URL with
// its host pinned, libavformat options, a proxy for nested opens enforced by NestedOpenGuard).
// Errors are PullStreamFailed with a detail for logs.
// Thread-safety: one thread at a time (the pipeline thread).
#pragma once

#include <memory>
#include <string>

extern "C" {
#include <libavformat/avformat.h>
}

#include "relay/egress/connection_gate.h"
#include "relay/worker/io_deadline.h"
#include "relay/worker/nested_open_guard.h"
#include "relay/worker/relay_error.h"
#include "relay/worker/relay_spec.h"

namespace liverec::relay::worker {

class AvSource {
 public:
  enum class ReadStatus { kPacket, kEnd };

  // Opens `url` as a source of `kind` as `plan` says and probes its streams (within
  // timeouts.open each). `gate` (may be null) is told of nested opens the plan refuses.
  static RelayResult<std::unique_ptr<AvSource>> Open(SourceKind kind, const std::string& url,
                                                     const egress::ConnectPlan& plan,
                                                     egress::ConnectionGate* gate,
                                                     const RelayTimeouts& timeouts,
                                                     const StopSignal& stop);
  ~AvSource();
  AvSource(const AvSource&) = delete;
  AvSource& operator=(const AvSource&) = delete;

  // The chosen streams; nullptr when the source has none of that kind.
  const AVStream* video() const { return StreamAt(video_index_); }
  const AVStream* audio() const { return StreamAt(audio_index_); }

  // The start of the media timeline in microseconds (0 when unknown).
  int64_t StartUs() const;
  // True when the duration is known and `offset_s` lies at or past its end.
  bool OffsetPastEnd(int64_t offset_s) const;
  // Seeks to the keyframe at or before `offset_s` seconds from the start.
  RelayResult<void> Seek(int64_t offset_s);

  // Reads the next packet of the video or audio stream into `packet` (which it unrefs first).
  RelayResult<ReadStatus> Read(AVPacket* packet);

 private:
  AvSource(const StopSignal& stop, std::string url_for_logs, RelayTimeouts timeouts)
      : deadline_(stop), url_for_logs_(std::move(url_for_logs)), timeouts_(timeouts) {}
  const AVStream* StreamAt(int index) const {
    return index < 0 ? nullptr : context_->streams[index];
  }
  tl::unexpected<RelayError> Failed(const std::string& what, int av_error) const;

  IoDeadline deadline_;
  std::string url_for_logs_;
  RelayTimeouts timeouts_;
  std::unique_ptr<NestedOpenGuard> guard_;  // used by context_, closed in ~AvSource's body
  AVFormatContext* context_ = nullptr;
  int video_index_ = -1;
  int audio_index_ = -1;
};

// `url` without its query and fragment (they may carry auth keys), for log details.
std::string UrlForLogs(const std::string& url);

}  // namespace liverec::relay::worker
