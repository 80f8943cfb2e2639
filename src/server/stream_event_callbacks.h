// StreamEventCallbacks: ingest's stream events (StreamEventListener) turned into the publish /
// publish_done callbacks (docs/api/streams.md). Called on a publisher's I/O thread,
// it only copies what the callback needs and posts it to one serial executor on the worker pool,
// where the StreamEventNotifier reads the config and writes the outbox — so ingest never waits
// on the database, and a stream's publish is always enqueued before its publish_done.
// Enqueue failures are logged: a publish is never held up by its callbacks.
// Thread-safety: any thread; `post` must run tasks one at a time, in order.
#pragma once

#include <functional>
#include <string>

#include "callbacks/stream_event_notifier.h"
#include "ingest/stream_event_listener.h"
#include "server/publish_history.h"

namespace liverec::server {

class StreamEventCallbacks final : public ingest::StreamEventSink {
 public:
  using Post = std::function<void(std::function<void()>)>;

  // `history` (may be null): where publish sessions are written too, on the same executor.
  StreamEventCallbacks(callbacks::StreamEventNotifier& notifier, Post post,
                       PublishHistory* history = nullptr)
      : notifier_(notifier), post_(std::move(post)), history_(history) {}

  void Published(uint64_t publish_id, const ingest::PublishInfo& info, int64_t published_ms,
                 int width, int height) override;
  void PublishDone(uint64_t publish_id, const ingest::PublishInfo& info, int64_t ended_ms) override;

 private:
  callbacks::StreamEventNotifier& notifier_;
  Post post_;
  PublishHistory* history_;
};

// This host's name (gethostname), the callbacks' `node`; "liverec" when it has none.
std::string NodeName();

// The IP of an "ip:port" or "[v6]:port" listen address, as the live list's ServerIp; "" for a
// wildcard (0.0.0.0, ::), which names no one address.
std::string ListenIp(const std::string& listen);

// What the callbacks need of a publish, at `time_ms`.
callbacks::StreamEventInfo ToStreamEventInfo(uint64_t publish_id, const ingest::PublishInfo& info,
                                             int64_t time_ms);

}  // namespace liverec::server
