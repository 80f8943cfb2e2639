// RtmpPublishClient: the client side of one RTMP publishing connection, sans I/O (RTMP
// specification 1.0 §5 chunking, §7.2 commands; the handshake of handshake.h).
//
// After Start, the caller sends what TakeOutput returns and feeds what it receives. The client
// runs handshake → connect → releaseStream, FCPublish, createStream → publish and waits for
// NetStream.Publish.Start; then publishing() is true and SendMetadata/SendAudio/SendVideo queue
// messages; Unpublish queues FCUnpublish and deleteStream. It answers pings and acknowledges the
// server's window. An error reply, a refused publish (the onStatus code is kept in status_code())
// or a protocol error makes Feed fail; that is final. Nothing blocks, so one thread can drive many
// clients. Thread-safety: none.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/status.h"
#include "media/rtmp/amf0.h"
#include "media/rtmp/client_connection.h"

namespace liverec::media::rtmp {

struct PublishClientOptions {
  std::string tc_url;  // "rtmp://host:port/app[?query]"
  std::string app;     // "app[?query]"
  std::string stream;  // "name[?query]"
  HandshakeVariant handshake = HandshakeVariant::kDigest;
  uint32_t chunk_size = 4096;            // announced with Set Chunk Size after the handshake
  std::vector<std::string> fourcc_list;  // Enhanced RTMP codecs announced in connect, e.g. "hvc1"
};

enum class PublishClientState {
  kHandshake,
  kConnecting,
  kCreatingStream,
  kWaitingForPublish,
  kPublishing,
  kUnpublished,
  kFailed,
};

class RtmpPublishClient {
 public:
  // `random` fills the handshake; it must outlive the client.
  RtmpPublishClient(RandomSource& random, PublishClientOptions options);

  // Queues C0+C1. Call once, first.
  void Start();
  Status Feed(std::span<const uint8_t> bytes);
  std::vector<uint8_t> TakeOutput() { return connection_.TakeOutput(); }
  size_t output_size() const { return connection_.output_size(); }

  PublishClientState state() const { return state_; }
  bool publishing() const { return state_ == PublishClientState::kPublishing; }
  uint32_t stream_id() const { return stream_id_; }
  // The code of the last onStatus or _error received ("NetStream.Publish.Start", ...).
  const std::string& status_code() const { return status_code_; }

  // While publishing. `metadata` is an AMF0 payload starting at "onMetaData"; it is sent as
  // "@setDataFrame" followed by it (§7.1.2).
  void SendMetadata(std::span<const uint8_t> metadata, int64_t timestamp_ms);
  void SendAudio(std::span<const uint8_t> body, int64_t timestamp_ms);
  void SendVideo(std::span<const uint8_t> body, int64_t timestamp_ms);
  // An audio or video message received on another connection (a relay), its payload taken as
  // it is, without a copy: sent on this client's chunk stream for its type, on its stream, at
  // `timestamp_ms`.
  void Forward(RtmpMessage message, int64_t timestamp_ms);
  void Unpublish();

 private:
  Status OnMessage(const RtmpMessage& message);
  Status OnCommand(const RtmpMessage& message);
  void OnHandshakeDone();
  void Send(const RtmpMessage& message) { connection_.Send(message); }
  void SendMedia(MessageType type, uint32_t chunk_stream, std::span<const uint8_t> body,
                 int64_t timestamp_ms);
  Status Fail(Status status);

  PublishClientOptions options_;
  ClientConnection connection_;
  PublishClientState state_ = PublishClientState::kHandshake;
  uint32_t stream_id_ = 0;
  std::string status_code_;
  Status failed_;
};

}  // namespace liverec::media::rtmp
