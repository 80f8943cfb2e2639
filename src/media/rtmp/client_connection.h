// ClientConnection: what every RTMP client connection does whatever it asks for (RTMP
// specification 1.0): the client handshake (handshake.h), the chunk stream both ways (§5),
// answering pings (§7.1.7, event 6) and acknowledging the server's window (§5.4.3, §5.4.4).
// RtmpPublishClient and RtmpPlayClient are built on it and handle every other message. Sans
// I/O; thread-safety: none.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "base/random.h"
#include "base/status.h"
#include "media/rtmp/amf0.h"
#include "media/rtmp/chunk_decoder.h"
#include "media/rtmp/chunk_encoder.h"
#include "media/rtmp/handshake.h"

namespace liverec::media::rtmp {

// The message stream id of a createStream result (§7.2.1.3: a number): kProtocolError unless it
// is a whole number that fits 32 bits (a server's bytes decide it: NaN, -1 or 1e30 must not
// reach a conversion).
Result<uint32_t> StreamIdOf(const Amf0Value& result);

class ClientConnection {
 public:
  // `random` fills the handshake; it must outlive the connection.
  ClientConnection(RandomSource& random, HandshakeVariant variant) : handshake_(random, variant) {}

  // Queues C0+C1. Call once, first.
  void Start();
  // Takes received bytes: completes the handshake (then calls `on_handshake_done`, which queues
  // the first commands), decodes messages, answers pings, notes the server's window, and hands
  // every other message to `on_message` (which may move it). An error of the handshake, of the
  // chunk stream or of `on_message` is returned.
  Status Feed(std::span<const uint8_t> bytes, const std::function<void()>& on_handshake_done,
              const std::function<Status(RtmpMessage&)>& on_message);

  void Send(const RtmpMessage& message) { encoder_.Encode(message, output_); }
  // Sends Set Chunk Size (§5.4.1) and chunks what follows at `size`.
  void SetChunkSize(uint32_t size);
  std::vector<uint8_t> TakeOutput() { return std::exchange(output_, {}); }
  size_t output_size() const { return output_.size(); }
  uint64_t bytes_received() const { return bytes_received_; }

 private:
  ClientHandshake handshake_;
  ChunkDecoder decoder_;
  ChunkEncoder encoder_;
  std::vector<uint8_t> output_;
  uint64_t bytes_received_ = 0;
  uint64_t acknowledged_ = 0;
  uint32_t server_window_ = 0;
};

}  // namespace liverec::media::rtmp
