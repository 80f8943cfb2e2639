// RtmpServerSession: the server side of one RTMP connection, sans I/O (the RTMP specification
// 1.0 §5 chunking, §6/§7 messages and commands; Adobe's handshake, plain and digest variants).
//
// The net layer feeds received bytes and sends what TakeOutput returns; the session parses the
// handshake, chunks and AMF0 commands, answers what the protocol answers by itself (handshake,
// window acknowledgement, acknowledgements, ping responses, connect/createStream/releaseStream/
// FCPublish results, onStatus for unpublish) and reports to the application only what needs its
// decision or data: a publish request, a play request, media, metadata, unpublish. Publish is
// answered by the application with AcceptPublish or RejectPublish, play with RejectPlay (the
// session never sends media). Timestamps are unwrapped to 64 bits.
// Thread-safety: none; one connection's strand/coroutine owns it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/status.h"

namespace liverec::media::rtmp {

struct RtmpSessionLimits {
  uint32_t max_chunk_size = 65536;              // a larger Set Chunk Size is a protocol error
  uint32_t max_message_size = 8 * 1024 * 1024;  // a larger message is a protocol error
  size_t max_chunk_streams = 64;                // distinct chunk stream ids in use at once
};

// `connect` arrived. tc_url as sent ("rtmp://host[:port]/app[?query]"); app may carry a query
// ("live?vhost=x") which is split off into app_query.
struct ConnectEvent {
  std::string app;
  std::string app_query;
  std::string tc_url;
};

// `publish` arrived (after createStream). stream_name without its query; query is the raw text
// after '?' (e.g. "vhost=a.com&auth_key=..."), not decoded.
struct PublishEvent {
  uint32_t stream_id = 0;
  std::string stream_name;
  std::string query;
  std::string publish_type;  // "live", "record", "append"
};

// `play` arrived (after createStream): the peer wants to receive a stream. stream_name without
// its query; query as in PublishEvent.
struct PlayEvent {
  uint32_t stream_id = 0;
  std::string stream_name;
  std::string query;
};

enum class DataKind { kVideo, kAudio, kMetadata };

// One FLV tag body: video (RTMP type 9), audio (type 8), or metadata (the AMF0 payload of
// @setDataFrame/onMetaData, with "@setDataFrame" stripped so it starts at "onMetaData").
struct MediaEvent {
  uint32_t stream_id = 0;
  DataKind kind = DataKind::kVideo;
  int64_t timestamp_ms = 0;
  std::vector<uint8_t> payload;
};

// FCUnpublish, deleteStream or closeStream for a publishing stream.
struct UnpublishEvent {
  uint32_t stream_id = 0;
};

using SessionEvent =
    std::variant<ConnectEvent, PublishEvent, PlayEvent, MediaEvent, UnpublishEvent>;

class RtmpServerSession {
 public:
  explicit RtmpServerSession(RtmpSessionLimits limits = {});
  ~RtmpServerSession();

  // Consumes received bytes (any split). Returns the events they complete, in order. An error
  // (bad handshake version, chunk/message over the limits, malformed AMF0 command, unknown
  // chunk stream for a type-1..3 header, ...) is final: the connection should be closed.
  Result<std::vector<SessionEvent>> Feed(std::span<const uint8_t> bytes);

  // Bytes to send to the peer, accumulated since the last call.
  std::vector<uint8_t> TakeOutput();

  // Answers a PublishEvent: NetStream.Publish.Start, then media for that stream is reported.
  // Messages that came behind the publish (in the same read: metadata, sequence headers, frames
  // some encoders send at once) are held, not handled, until the answer; then call Feed again,
  // with no bytes if none arrived (HasMessagesToResume says when), to get their events.
  void AcceptPublish(uint32_t stream_id);
  // Answers a PublishEvent with an error status, e.g. ("NetStream.Publish.BadName",
  // "stream is already being published"); media for that stream is dropped.
  void RejectPublish(uint32_t stream_id, const std::string& code, const std::string& description);
  // Answers a PlayEvent with an onStatus of level "error" on that stream, e.g.
  // ("NetStream.Play.Failed", "this server does not serve playback"). Nothing is played.
  void RejectPlay(uint32_t stream_id, const std::string& code, const std::string& description);

  // True when messages held behind a publish that has now been answered wait for Feed: feed
  // (an empty span will do) until false so they are reported. False while a publish awaits its
  // answer: the messages stay held (up to 16 MiB, then Feed fails).
  bool HasMessagesToResume() const;

  bool handshake_done() const;
  uint64_t bytes_received() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace liverec::media::rtmp
