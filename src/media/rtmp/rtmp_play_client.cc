#include "media/rtmp/rtmp_play_client.h"

#include <utility>

#include "media/rtmp/aggregate_message.h"
#include "media/rtmp/amf0.h"
#include "media/rtmp/byte_io.h"
#include "media/rtmp/command_message.h"
#include "media/rtmp/protocol_control.h"

namespace liverec::media::rtmp {
namespace {

// Transaction ids of the commands the client sends (§7.2.1).
constexpr double kConnectTransaction = 1;
constexpr double kCreateStreamTransaction = 2;
constexpr double kPlayTransaction = 3;

bool IsMedia(MessageType type) {
  return type == MessageType::kAudio || type == MessageType::kVideo ||
         type == MessageType::kDataAmf0 || type == MessageType::kDataAmf3;
}

}  // namespace

RtmpPlayClient::RtmpPlayClient(RandomSource& random, PlayClientOptions options)
    : options_(std::move(options)), connection_(random, options_.handshake) {}

void RtmpPlayClient::Start() { connection_.Start(); }

Status RtmpPlayClient::Fail(Status status) {
  state_ = PlayClientState::kFailed;
  failed_ = status;
  return status;
}

Status RtmpPlayClient::Feed(std::span<const uint8_t> bytes) {
  if (!failed_.ok()) return failed_;
  Status status = connection_.Feed(
      bytes, [this] { OnHandshakeDone(); },
      [this](RtmpMessage& message) { return OnMessage(message); });
  return status.ok() ? status : Fail(status);
}

// §7.2.1.1 connect, with the properties players such as FFmpeg send.
void RtmpPlayClient::OnHandshakeDone() {
  Send(MakeWindowAckSize(options_.window_ack_size));
  Amf0Value object = Amf0Value::Object({
      {"app", Amf0Value::String(options_.app)},
      {"flashVer", Amf0Value::String("LNX 9,0,124,2")},
      {"tcUrl", Amf0Value::String(options_.tc_url)},
      {"fpad", Amf0Value::Boolean(false)},
      {"capabilities", Amf0Value::Number(15)},
      {"audioCodecs", Amf0Value::Number(4071)},
      {"videoCodecs", Amf0Value::Number(252)},
      {"videoFunction", Amf0Value::Number(1)},
  });
  Send(MakeCommand("connect", kConnectTransaction, {object}));
  state_ = PlayClientState::kConnecting;
}

Status RtmpPlayClient::OnMessage(RtmpMessage& message) {
  if (IsMedia(message.type)) {
    if (state_ == PlayClientState::kPlaying) media_.push_back(std::move(message));
    return Status::Ok();
  }
  switch (message.type) {
    case MessageType::kAggregate:
      return state_ == PlayClientState::kPlaying ? OnAggregate(message) : Status::Ok();
    case MessageType::kUserControl: {  // pings are the connection's
      auto event = ParseUserControl(message.payload);
      if (!event) return event.error();
      if (event->type == static_cast<uint16_t>(UserControlType::kStreamEof) &&
          state_ == PlayClientState::kPlaying && event->value == stream_id_) {
        state_ = PlayClientState::kEnded;
      }
      return Status::Ok();
    }
    case MessageType::kCommandAmf0:
    case MessageType::kCommandAmf3:
      return OnCommand(message);
    default:
      return Status::Ok();
  }
}

// §7.1.6 (aggregate_message.h): its media sub-messages, in order; a malformed tail is an error.
Status RtmpPlayClient::OnAggregate(const RtmpMessage& aggregate) {
  SplitMessages split = SplitAggregate(aggregate);
  for (RtmpMessage& message : split.messages) {
    if (IsMedia(message.type)) media_.push_back(std::move(message));
  }
  if (!split.complete) return Status(ErrorCode::kProtocolError, "", "truncated aggregate message");
  return Status::Ok();
}

Status RtmpPlayClient::OnStatus(const std::string& level) {
  if (level == "error") {
    return Status(ErrorCode::kProtocolError, "", "server refused: " + status_code_);
  }
  if (status_code_ == "NetStream.Play.Start" && state_ == PlayClientState::kWaitingForPlay) {
    state_ = PlayClientState::kPlaying;
  } else if ((status_code_ == "NetStream.Play.Stop" ||
              status_code_ == "NetStream.Play.UnpublishNotify") &&
             state_ == PlayClientState::kPlaying) {
    state_ = PlayClientState::kEnded;
  }
  return Status::Ok();
}

Status RtmpPlayClient::OnCommand(const RtmpMessage& message) {
  auto command = ParseCommand(message);
  // Notifications without a transaction id (onBWDone, |RtmpSampleAccess): not for us.
  if (!command && command.error().code() == ErrorCode::kProtocolError) return Status::Ok();
  if (!command) return command.error();
  const Amf0Value& info = command->Arg(1);
  if (command->name == "_error") {
    status_code_ = info.FindString("code").value_or("");
    return Status(ErrorCode::kProtocolError, "",
                  "server refused: " + status_code_ + " (" +
                      info.FindString("description").value_or("") + ")");
  }
  if (command->name == "onStatus") {
    status_code_ = info.FindString("code").value_or("");
    return OnStatus(info.FindString("level").value_or(""));
  }
  if (command->name != "_result") return Status::Ok();
  if (command->transaction_id == kConnectTransaction && state_ == PlayClientState::kConnecting) {
    Send(MakeCommand("createStream", kCreateStreamTransaction, {Amf0Value::Null()}));
    state_ = PlayClientState::kCreatingStream;
  } else if (command->transaction_id == kCreateStreamTransaction &&
             state_ == PlayClientState::kCreatingStream) {
    auto stream_id = StreamIdOf(info);
    if (!stream_id) return stream_id.error();
    stream_id_ = *stream_id;
    // §7.2.2.1 play(null, name, start -2), then the buffer length for the stream (§7.1.7).
    Send(MakeCommand("play", kPlayTransaction,
                     {Amf0Value::Null(), Amf0Value::String(options_.stream), Amf0Value::Number(-2)},
                     stream_id_, kDataChunkStream));
    RtmpMessage buffer;
    buffer.chunk_stream_id = kProtocolControlChunkStream;
    buffer.type = MessageType::kUserControl;
    AppendU16(buffer.payload, static_cast<uint16_t>(UserControlType::kSetBufferLength));
    AppendU32(buffer.payload, stream_id_);
    AppendU32(buffer.payload, options_.buffer_ms);
    Send(buffer);
    state_ = PlayClientState::kWaitingForPlay;
  }
  return Status::Ok();
}

}  // namespace liverec::media::rtmp
