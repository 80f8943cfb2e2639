// RtmpPlayClient: the client side of one RTMP playing connection, sans I/O (RTMP specification
// 1.0 §5 chunking, §7.2 commands; the handshake of handshake.h). What a relay pulls a live
// stream with.
//
// After Start, the caller sends what TakeOutput returns and feeds what it receives. The client
// runs handshake → connect → createStream → play (start -2: live, or recorded if there is no live
// stream, as FFmpeg asks) with a SetBufferLength, and waits for NetStream.Play.Start; then
// playing() is true. Media messages (audio, video, and data messages such as onMetaData) are
// handed out by TakeMedia in the order received, aggregate messages (§7.1.6) split into theirs.
// The client answers pings and acknowledges the server's window. The stream ends (ended())
// with NetStream.Play.Stop, NetStream.Play.UnpublishNotify or a StreamEOF for the stream, as
// libavformat's client ends on them. An error reply, a refused play (the code is kept in
// status_code()) or a protocol error makes Feed fail; that is final. Nothing blocks.
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/status.h"
#include "media/rtmp/client_connection.h"

namespace liverec::media::rtmp {

struct PlayClientOptions {
  std::string tc_url;  // "rtmp://host:port/app[?query]"
  std::string app;     // "app[?query]"
  std::string stream;  // "name[?query]"
  HandshakeVariant handshake = HandshakeVariant::kDigest;
  uint32_t buffer_ms = 3000;             // SetBufferLength (§7.1.7, event 3)
  uint32_t window_ack_size = 2'500'000;  // announced to the server after the handshake (§5.4.4)
};

enum class PlayClientState {
  kHandshake,
  kConnecting,
  kCreatingStream,
  kWaitingForPlay,
  kPlaying,
  kEnded,
  kFailed,
};

class RtmpPlayClient {
 public:
  // `random` fills the handshake; it must outlive the client.
  RtmpPlayClient(RandomSource& random, PlayClientOptions options);

  // Queues C0+C1. Call once, first.
  void Start();
  Status Feed(std::span<const uint8_t> bytes);
  std::vector<uint8_t> TakeOutput() { return connection_.TakeOutput(); }
  size_t output_size() const { return connection_.output_size(); }
  // The media messages received since the last call, in order.
  std::vector<RtmpMessage> TakeMedia() { return std::exchange(media_, {}); }

  PlayClientState state() const { return state_; }
  bool playing() const { return state_ == PlayClientState::kPlaying; }
  bool ended() const { return state_ == PlayClientState::kEnded; }
  uint32_t stream_id() const { return stream_id_; }
  // The code of the last onStatus or _error received ("NetStream.Play.Start", ...).
  const std::string& status_code() const { return status_code_; }
  uint64_t bytes_received() const { return connection_.bytes_received(); }

 private:
  Status OnMessage(RtmpMessage& message);
  Status OnCommand(const RtmpMessage& message);
  Status OnStatus(const std::string& level);
  Status OnAggregate(const RtmpMessage& aggregate);
  void OnHandshakeDone();
  void Send(const RtmpMessage& message) { connection_.Send(message); }
  Status Fail(Status status);

  PlayClientOptions options_;
  ClientConnection connection_;
  std::vector<RtmpMessage> media_;
  PlayClientState state_ = PlayClientState::kHandshake;
  uint32_t stream_id_ = 0;
  std::string status_code_;
  Status failed_;
};

}  // namespace liverec::media::rtmp
