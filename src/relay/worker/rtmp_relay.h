// RtmpRelay: a live RTMP → RTMP relay by liverec's own RTMP code (media/rtmp: the play and
// publish clients), for the common case of a relay task (docs/api/relay.md): an `rtmp://`
// source pushed to an `rtmp://` destination, both of the plain shape RtmpEndpoint takes.
// Every other task goes through libavformat (relay_pipeline.h).
//
// What libavformat's RTMP client does per message (a poll and a read for every chunk header
// and body, a send per chunk, an FLV demux and mux, the parsers) is what made a relay cost
// ~0.3 % of a core (docs/benchmarks.md, P9). Here each wake-up reads everything the socket has
// (up to 1 MiB), the messages are re-chunked for the destination as they are (the body of an
// RTMP audio or video message is an FLV tag's body: nothing in it changes) and what they make
// is sent in one call; the next read waits 50 ms, so that a wake-up serves several messages
// (the relay's latency grows by at most that).
//
// - The source is connected, played and read until both tracks have shown up (or 64 audio/video
//   messages came: a stream of one track), within timeouts.open; only then is the destination
//   prepared (`prepare_destination`: the address policy), connected and published, within
//   timeouts.open too; then on_running. Those first messages go out metadata first, then the
//   sequence headers, then the rest in order (nginx-rtmp sends a late subscriber each track's
//   header just before that track's first frame, which a recorder would take for a change).
// - Media: audio (AAC, MP3) and video (H.264) messages are forwarded, and onMetaData as
//   @setDataFrame; anything else FLV cannot carry (HEVC, enhanced RTMP, other audio codecs)
//   fails the attempt with PullStreamFailed, as libavformat's path does. Timestamps start at 0
//   at the first media message and never go back within a type (a step back is held at the
//   previous time).
// - Ends: the source ending (close, Play.Stop, UnpublishNotify, StreamEOF) or silent for
//   timeouts.io is PullStreamFailed; the destination refusing, closing or taking nothing for
//   timeouts.io (or falling 16 MiB behind) is PushStreamFailed. A stop request returns within
//   about 100 ms. The destination is unpublished (FCUnpublish, deleteStream) on the way out.
// Thread-safety: Run on one thread (the pipeline's); the hooks run on it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "relay/egress/connect_plan.h"
#include "relay/worker/relay_error.h"
#include "relay/worker/relay_spec.h"
#include "relay/worker/rtmp_endpoint.h"
#include "relay/worker/stop_signal.h"

namespace liverec::relay::worker {

struct RtmpRelayHooks {
  // The destination's plan, asked once the source delivers media; an error fails the attempt.
  std::function<RelayResult<egress::ConnectPlan>()> prepare_destination;
  std::function<void()> on_running;
  // After each batch of forwarded messages: the stream time relayed (s) and the batch's size.
  std::function<void(double seconds, int64_t messages)> on_progress;
};

class RtmpRelay {
 public:
  RtmpRelay(RtmpEndpoint source, std::string source_for_logs, std::string destination_for_logs,
            const RelayTimeouts& timeouts, StopSignal& stop, RtmpRelayHooks hooks);

  // Relays until a failure (the source ending is one) or a stop request (then ok).
  RelayResult<void> Run();

 private:
  RtmpEndpoint source_;
  std::string source_for_logs_;
  std::string destination_for_logs_;
  RelayTimeouts timeouts_;
  StopSignal& stop_;
  RtmpRelayHooks hooks_;
};

}  // namespace liverec::relay::worker
