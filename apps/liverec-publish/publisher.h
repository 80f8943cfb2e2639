// Publisher: one RTMP publishing connection of liverec-publish, sans I/O. It drives an
// RtmpPublishClient (connect, createStream, publish, wait for NetStream.Publish.Start), then
// sends the tags of a TagSource (script tags as @setDataFrame/onMetaData, audio, video) paced
// by their timestamps or as fast as the connection takes them, then FCUnpublish/deleteStream.
//
// The owner moves bytes: TakeOutput to the socket, OnReceived from it, and calls Pump when the
// time Pump asked for has come or bytes arrived. Nothing blocks, so one event loop could own
// many Publishers. Thread-safety: none.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/random.h"
#include "media/rtmp/rtmp_publish_client.h"
#include "tag_source.h"

namespace liverec::publish {

struct PublisherOptions {
  bool realtime = false;                 // send each tag at its timestamp (wall clock)
  size_t max_output_bytes = 256 * 1024;  // Pump stops queueing at this much unsent output
};

struct TrackStats {
  uint64_t tags = 0;
  uint64_t bytes = 0;  // tag body bytes
};

struct PublishStats {
  TrackStats video;
  TrackStats audio;
  TrackStats metadata;
};

class Publisher {
 public:
  // `random` and `source` must outlive the Publisher.
  Publisher(RandomSource& random, media::rtmp::PublishClientOptions client_options,
            TagSource& source, PublisherOptions options);

  void Start();
  Status OnReceived(std::span<const uint8_t> bytes);
  // Queues the tags that are due at `now_ms` (any monotonic clock in ms). Returns when to call
  // again: a time (now when stopped by max_output_bytes), or nullopt while waiting for the
  // server and once finished.
  Result<std::optional<int64_t>> Pump(int64_t now_ms);
  std::vector<uint8_t> TakeOutput() { return client_.TakeOutput(); }

  // Every tag was queued and so were FCUnpublish/deleteStream.
  bool finished() const { return finished_; }
  bool publishing() const { return client_.publishing(); }
  const std::string& status_code() const { return client_.status_code(); }
  const PublishStats& stats() const { return stats_; }

 private:
  void Send(const FlvTag& tag);

  media::rtmp::RtmpPublishClient client_;
  TagSource& source_;
  PublisherOptions options_;
  std::optional<FlvTag> next_;  // read from the source, not yet due
  bool finished_ = false;
  int64_t clock_start_ms_ = -1;  // wall time of the first tag (realtime)
  int64_t first_timestamp_ms_ = 0;
  PublishStats stats_;
};

}  // namespace liverec::publish
