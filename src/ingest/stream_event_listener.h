// StreamEventListener: a PublishListener that wraps another (the recorder) and reports each
// publish's life for the stream callbacks (docs/api/streams.md) to a StreamEventSink:
//   Published    once the publisher has stayed kConfirmMs (2 s) after its publish — checked when
//                its media arrives (the first tag at or after 2 s), so nothing waits, polls or
//                blocks the I/O thread; a publisher that sends no media is never confirmed;
//   PublishDone  when it leaves (unpublish, disconnect, error), only if Published was reported.
// Every publish gets its own publish_id, so a sink can pair the two. The wrapped listener's
// observer (if any) gets every packet and the end first, exactly as without the wrapper.
// Thread-safety: OnPublish from any I/O thread; each observer on its connection's thread. The
// sink is called on those threads and must not block.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "base/clock.h"
#include "ingest/stream_observer.h"

namespace liverec::ingest {

class StreamEventSink {
 public:
  virtual ~StreamEventSink() = default;
  // The publish that began at `published_ms` is confirmed; width/height of its video (0 when
  // there is none yet).
  virtual void Published(uint64_t publish_id, const PublishInfo& info, int64_t published_ms,
                         int width, int height) = 0;
  virtual void PublishDone(uint64_t publish_id, const PublishInfo& info, int64_t ended_ms) = 0;
};

class StreamEventListener final : public PublishListener {
 public:
  static constexpr int64_t kConfirmMs = 2000;

  StreamEventListener(PublishListener& inner, StreamEventSink& sink, const Clock& clock)
      : inner_(inner), sink_(sink), clock_(clock) {}

  // Always returns an observer (wrapping the inner one, which may be null).
  std::unique_ptr<StreamObserver> OnPublish(const PublishInfo& info) override;

 private:
  PublishListener& inner_;
  StreamEventSink& sink_;
  const Clock& clock_;
  std::atomic<uint64_t> next_publish_id_{1};
};

}  // namespace liverec::ingest
