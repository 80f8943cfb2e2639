#include "media/rtmp/rtmp_publish_client.h"

#include <utility>

#include "media/rtmp/command_message.h"
#include "media/rtmp/protocol_control.h"

namespace liverec::media::rtmp {
namespace {

// Transaction ids of the commands the client sends (§7.2.1).
constexpr double kConnectTransaction = 1;
constexpr double kReleaseStreamTransaction = 2;
constexpr double kFcPublishTransaction = 3;
constexpr double kCreateStreamTransaction = 4;
constexpr double kPublishTransaction = 5;

}  // namespace

RtmpPublishClient::RtmpPublishClient(RandomSource& random, PublishClientOptions options)
    : options_(std::move(options)), connection_(random, options_.handshake) {}

void RtmpPublishClient::Start() { connection_.Start(); }

Status RtmpPublishClient::Fail(Status status) {
  state_ = PublishClientState::kFailed;
  failed_ = status;
  return status;
}

Status RtmpPublishClient::Feed(std::span<const uint8_t> bytes) {
  if (!failed_.ok()) return failed_;
  Status status = connection_.Feed(
      bytes, [this] { OnHandshakeDone(); },
      [this](RtmpMessage& message) { return OnMessage(message); });
  return status.ok() ? status : Fail(status);
}

// §7.2.1.1 connect with the properties encoders such as FMLE and OBS send.
void RtmpPublishClient::OnHandshakeDone() {
  connection_.SetChunkSize(options_.chunk_size);
  Amf0Value object = Amf0Value::Object({
      {"app", Amf0Value::String(options_.app)},
      {"type", Amf0Value::String("nonprivate")},
      {"flashVer", Amf0Value::String("FMLE/3.0 (compatible; liverec-publish)")},
      {"tcUrl", Amf0Value::String(options_.tc_url)},
  });
  if (!options_.fourcc_list.empty()) {  // Enhanced RTMP v1, "Enhancing onMetaData/connect"
    std::vector<Amf0Value> fourccs;
    for (const auto& fourcc : options_.fourcc_list) fourccs.push_back(Amf0Value::String(fourcc));
    object.properties.push_back({"fourCcList", Amf0Value::StrictArray(std::move(fourccs))});
  }
  Send(MakeCommand("connect", kConnectTransaction, {object}));
  state_ = PublishClientState::kConnecting;
}

Status RtmpPublishClient::OnMessage(const RtmpMessage& message) {
  if (message.type == MessageType::kCommandAmf0 || message.type == MessageType::kCommandAmf3) {
    return OnCommand(message);
  }
  return Status::Ok();
}

Status RtmpPublishClient::OnCommand(const RtmpMessage& message) {
  auto command = ParseCommand(message);
  // Servers send notifications without a transaction id (ffmpeg's onFCPublish): not for us.
  if (!command && command.error().code() == ErrorCode::kProtocolError) return Status::Ok();
  if (!command) return command.error();
  const Amf0Value& info = command->Arg(1);
  if (command->name == "_error" || command->name == "onStatus") {
    status_code_ = info.FindString("code").value_or("");
    std::string level = info.FindString("level").value_or("");
    if (command->name == "_error" || level == "error") {
      return Status(ErrorCode::kProtocolError, "",
                    "server refused: " + status_code_ + " (" +
                        info.FindString("description").value_or("") + ")");
    }
    if (status_code_ == "NetStream.Publish.Start" &&
        state_ == PublishClientState::kWaitingForPublish) {
      state_ = PublishClientState::kPublishing;
    }
    return Status::Ok();
  }
  if (command->name != "_result") return Status::Ok();
  if (command->transaction_id == kConnectTransaction && state_ == PublishClientState::kConnecting) {
    std::vector<Amf0Value> args{Amf0Value::Null(), Amf0Value::String(options_.stream)};
    Send(MakeCommand("releaseStream", kReleaseStreamTransaction, args));
    Send(MakeCommand("FCPublish", kFcPublishTransaction, args));
    Send(MakeCommand("createStream", kCreateStreamTransaction, {Amf0Value::Null()}));
    state_ = PublishClientState::kCreatingStream;
  } else if (command->transaction_id == kCreateStreamTransaction &&
             state_ == PublishClientState::kCreatingStream) {
    auto stream_id = StreamIdOf(info);
    if (!stream_id) return stream_id.error();
    stream_id_ = *stream_id;
    Send(MakeCommand(
        "publish", kPublishTransaction,
        {Amf0Value::Null(), Amf0Value::String(options_.stream), Amf0Value::String("live")},
        stream_id_, kDataChunkStream));
    state_ = PublishClientState::kWaitingForPublish;
  }
  return Status::Ok();
}

void RtmpPublishClient::SendMedia(MessageType type, uint32_t chunk_stream,
                                  std::span<const uint8_t> body, int64_t timestamp_ms) {
  RtmpMessage message;
  message.chunk_stream_id = chunk_stream;
  message.type = type;
  message.stream_id = stream_id_;
  message.timestamp = timestamp_ms;
  message.payload.assign(body.begin(), body.end());
  Send(message);
}

void RtmpPublishClient::SendMetadata(std::span<const uint8_t> metadata, int64_t timestamp_ms) {
  std::vector<uint8_t> payload;
  EncodeAmf0(Amf0Value::String("@setDataFrame"), payload);
  AppendBytes(payload, metadata);
  SendMedia(MessageType::kDataAmf0, kDataChunkStream, payload, timestamp_ms);
}

void RtmpPublishClient::SendAudio(std::span<const uint8_t> body, int64_t timestamp_ms) {
  SendMedia(MessageType::kAudio, kAudioChunkStream, body, timestamp_ms);
}

void RtmpPublishClient::SendVideo(std::span<const uint8_t> body, int64_t timestamp_ms) {
  SendMedia(MessageType::kVideo, kVideoChunkStream, body, timestamp_ms);
}

void RtmpPublishClient::Forward(RtmpMessage message, int64_t timestamp_ms) {
  message.chunk_stream_id =
      message.type == MessageType::kVideo ? kVideoChunkStream : kAudioChunkStream;
  message.stream_id = stream_id_;
  message.timestamp = timestamp_ms;
  Send(message);
}

// FCUnpublish(txn, null, name) then deleteStream(txn, null, stream id) (§7.2.2.3).
void RtmpPublishClient::Unpublish() {
  if (state_ != PublishClientState::kPublishing) return;
  Send(MakeCommand("FCUnpublish", 6, {Amf0Value::Null(), Amf0Value::String(options_.stream)}));
  Send(MakeCommand("deleteStream", 7,
                   {Amf0Value::Null(), Amf0Value::Number(static_cast<double>(stream_id_))}));
  state_ = PublishClientState::kUnpublished;
}

}  // namespace liverec::media::rtmp
