// PublishHistory: writes the publish sessions DescribeLiveStreamsPublishList lists
// (docs/api/streams.md "DescribeLiveStreamsPublishList"), from the same confirmed publish events
// as the publish / publish_done callbacks (StreamEventCallbacks): a row when a publish is
// confirmed, its stop when it ends. A failed write is logged; ingest never waits on it.
// Thread-safety: Started and Ended on one serial executor (the callbacks' strand), in order.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/random.h"
#include "callbacks/stream_event_notifier.h"
#include "metadata/publish_history_repository.h"

namespace liverec::server {

class PublishHistory {
 public:
  // `node`: this node's id (its sessions left open by an earlier run are closed at start);
  // `edge_addr`: what EdgeNodeAddr shows (the ingest address, or the node's name).
  PublishHistory(metadata::PublishHistoryRepository& repo, const Clock& clock, RandomSource& random,
                 std::string node, std::string edge_addr)
      : repo_(repo),
        clock_(clock),
        random_(random),
        node_(std::move(node)),
        edge_addr_(std::move(edge_addr)) {}

  // For the node `node` whose RTMP listener has `server_ip` ("" for every address: the host's
  // name stands for it), with the sessions an earlier run of it left open ended now.
  static std::unique_ptr<PublishHistory> Start(metadata::PublishHistoryRepository& repo,
                                               const Clock& clock, RandomSource& random,
                                               std::string node, const std::string& server_ip);
  // At start, before any publish: the sessions an earlier run of this node left open end now.
  void CloseInterrupted();
  void Started(const callbacks::StreamEventInfo& event);
  void Ended(const callbacks::StreamEventInfo& event);

 private:
  struct Open {
    std::string account_id;
    std::string id;
  };

  metadata::PublishHistoryRepository& repo_;
  const Clock& clock_;
  RandomSource& random_;
  const std::string node_;
  const std::string edge_addr_;
  std::map<uint64_t, Open> open_;  // by publish_id
};

}  // namespace liverec::server
