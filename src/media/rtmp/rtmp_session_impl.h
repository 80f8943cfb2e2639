// Internal to RtmpServerSession (rtmp_server_session.h): its state and the handlers the .cc
// files share. rtmp_server_session.cc feeds bytes through the handshake and the chunk decoder
// and handles protocol control; rtmp_session_commands.cc handles commands, data and media.
// Not for use outside media/rtmp. Thread-safety: none.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/random.h"
#include "media/rtmp/chunk_decoder.h"
#include "media/rtmp/chunk_encoder.h"
#include "media/rtmp/command_message.h"
#include "media/rtmp/handshake.h"
#include "media/rtmp/rtmp_server_session.h"

namespace liverec::media::rtmp {

inline constexpr uint32_t kServerWindowAckSize = 2500000;
inline constexpr uint32_t kServerChunkSize = 4096;
inline constexpr size_t kMaxMessageStreams = 16;  // createStream calls per connection
// Payload bytes held behind a publish that is not answered yet; past this the peer is cut off.
inline constexpr size_t kMaxUnreadBytes = 16 * 1024 * 1024;

struct RtmpServerSession::Impl {
 public:
  explicit Impl(RtmpSessionLimits limits);

  Result<std::vector<SessionEvent>> Feed(std::span<const uint8_t> bytes);
  std::vector<uint8_t> TakeOutput() { return std::exchange(output_, {}); }
  void AcceptPublish(uint32_t stream_id);
  void RejectPublish(uint32_t stream_id, const std::string& code, const std::string& description);
  void RejectPlay(uint32_t stream_id, const std::string& code, const std::string& description);
  bool HasMessagesToResume() const { return !unread_.empty() && !awaited_publish_; }
  bool handshake_done() const { return handshake_.done(); }
  uint64_t bytes_received() const { return bytes_received_; }

 private:
  // A message stream made by createStream. A stream is "publishing" from its PublishEvent until
  // it is rejected or unpublished; only an accepted one has its media reported.
  enum class StreamState { kIdle, kPublishPending, kPublishing, kRejected };
  struct Stream {
    StreamState state = StreamState::kIdle;
    std::string name;  // as sent in publish, query included
  };
  using Events = std::vector<SessionEvent>;

  // rtmp_server_session.cc
  Status OnMessage(RtmpMessage& message, Events& events);
  Status OnProtocolControl(const RtmpMessage& message);
  void Send(const RtmpMessage& message) { encoder_.Encode(message, output_); }
  void MaybeAcknowledge();

  // rtmp_session_commands.cc
  Status OnCommand(const RtmpMessage& message, Events& events);
  Status OnConnect(const Command& command, Events& events);
  Status OnCreateStream(const Command& command);
  Status OnPublish(const RtmpMessage& message, const Command& command, Events& events);
  Status OnPlay(const RtmpMessage& message, const Command& command, Events& events);
  void OnReleaseOrFcPublish(const Command& command);
  void OnFcUnpublish(const Command& command, Events& events);
  void OnDeleteStream(const Command& command, Events& events);
  void OnCloseStream(const RtmpMessage& message, Events& events);
  // Ends a publishing stream: reports UnpublishEvent once, optionally says Unpublish.Success.
  void Unpublish(uint32_t stream_id, Stream& stream, bool send_status, Events& events);
  void SendResult(double transaction_id, const std::vector<Amf0Value>& args);
  void OnData(const RtmpMessage& message, Events& events);
  void OnMedia(RtmpMessage& message, Events& events);
  void OnAggregate(const RtmpMessage& message, Events& events);
  bool IsPublishing(uint32_t stream_id) const;

  OsRandom random_;
  ServerHandshake handshake_;
  ChunkDecoder decoder_;
  ChunkEncoder encoder_;
  std::vector<uint8_t> output_;
  uint64_t bytes_received_ = 0;
  uint64_t acknowledged_ = 0;  // bytes_received_ at the last Acknowledgement sent
  uint32_t peer_window_ = 0;   // the peer's Window Acknowledgement Size; 0 = none yet
  bool connected_ = false;
  // Messages decoded past a PublishEvent, held until the application answers it (so media sent
  // in the same read as publish is reported once accepted), and their payload bytes.
  std::deque<RtmpMessage> unread_;
  size_t unread_bytes_ = 0;
  std::optional<uint32_t> awaited_publish_;  // the stream whose PublishEvent awaits an answer
  std::map<uint32_t, Stream> streams_;
  uint32_t next_stream_id_ = 1;
  Status failed_;
};

}  // namespace liverec::media::rtmp
