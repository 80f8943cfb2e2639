// RtmpServerSession: NetConnection and NetStream commands (RTMP specification 1.0 §7.2.1,
// §7.2.2 — publish, and play only to be refused — plus releaseStream/FCPublish/FCUnpublish that
// FMS, ffmpeg and OBS use), data messages (§7.1.2) and audio/video (§7.1.5).
#include <spdlog/spdlog.h>

#include "media/rtmp/protocol_control.h"
#include "media/rtmp/rtmp_session_impl.h"

namespace liverec::media::rtmp {
namespace {

// "name?query" → {"name", "query"}.
std::pair<std::string, std::string> SplitQuery(const std::string& text) {
  auto question = text.find('?');
  if (question == std::string::npos) return {text, ""};
  return {text.substr(0, question), text.substr(question + 1)};
}

tl::unexpected<Status> CommandError(const std::string& detail) {
  return Error(ErrorCode::kProtocolError, "", "RTMP command: " + detail);
}

}  // namespace

Status RtmpServerSession::Impl::OnCommand(const RtmpMessage& message, Events& events) {
  auto command = ParseCommand(message);
  if (!command) return command.error();
  const std::string& name = command->name;
  if (name == "connect") return OnConnect(*command, events);
  if (!connected_) return CommandError(name + " before connect");
  if (name == "createStream") return OnCreateStream(*command);
  if (name == "publish") return OnPublish(message, *command, events);
  if (name == "play") return OnPlay(message, *command, events);
  if (name == "releaseStream" || name == "FCPublish") {
    OnReleaseOrFcPublish(*command);
  } else if (name == "FCUnpublish") {
    OnFcUnpublish(*command, events);
  } else if (name == "deleteStream") {
    OnDeleteStream(*command, events);
  } else if (name == "closeStream") {
    OnCloseStream(message, events);
  } else {
    spdlog::debug("rtmp: ignoring command {}", name);
  }
  return Status::Ok();
}

// §7.2.1.1: Window Acknowledgement Size, Set Peer Bandwidth, then _result with the server's
// properties and NetConnection.Connect.Success.
Status RtmpServerSession::Impl::OnConnect(const Command& command, Events& events) {
  if (connected_) return CommandError("second connect");
  const Amf0Value& object = command.Arg(0);
  if (!object.IsObjectLike()) return CommandError("connect without a command object");
  connected_ = true;
  auto [app, app_query] = SplitQuery(object.FindString("app").value_or(""));
  double object_encoding = object.FindNumber("objectEncoding").value_or(0);

  Send(MakeWindowAckSize(kServerWindowAckSize));
  Send(MakeSetPeerBandwidth(kServerWindowAckSize, BandwidthLimit::kDynamic));
  Send(MakeSetChunkSize(kServerChunkSize));
  encoder_.set_chunk_size(kServerChunkSize);
  Amf0Value properties = Amf0Value::Object({{"fmsVer", Amf0Value::String("FMS/3,0,1,123")},
                                            {"capabilities", Amf0Value::Number(31)},
                                            {"mode", Amf0Value::Number(1)}});
  Amf0Value info = StatusInfo("status", "NetConnection.Connect.Success", "Connection succeeded.");
  info.properties.push_back({"objectEncoding", Amf0Value::Number(object_encoding)});
  Send(MakeCommand("_result", command.transaction_id, {properties, info}));

  ConnectEvent event;
  event.app = std::move(app);
  event.app_query = std::move(app_query);
  event.tc_url = object.FindString("tcUrl").value_or("");
  events.emplace_back(std::move(event));
  return Status::Ok();
}

// §7.2.1.3: _result(transaction id, null, stream id).
Status RtmpServerSession::Impl::OnCreateStream(const Command& command) {
  if (streams_.size() >= kMaxMessageStreams) return CommandError("too many streams");
  uint32_t stream_id = next_stream_id_++;
  streams_[stream_id] = Stream{};
  SendResult(command.transaction_id,
             {Amf0Value::Null(), Amf0Value::Number(static_cast<double>(stream_id))});
  return Status::Ok();
}

// §7.2.2.6: publish(0, null, name, type) on the stream made by createStream.
Status RtmpServerSession::Impl::OnPublish(const RtmpMessage& message, const Command& command,
                                          Events& events) {
  auto it = streams_.find(message.stream_id);
  if (it == streams_.end()) return CommandError("publish on a stream not created");
  Stream& stream = it->second;
  if (stream.state == StreamState::kPublishPending || stream.state == StreamState::kPublishing) {
    return CommandError("publish on a stream already publishing");
  }
  const Amf0Value& name = command.Arg(1);
  const Amf0Value& type = command.Arg(2);
  stream.state = StreamState::kPublishPending;
  stream.name = name.IsString() ? name.string : "";
  auto [stream_name, query] = SplitQuery(stream.name);
  PublishEvent event;
  event.stream_id = message.stream_id;
  event.stream_name = std::move(stream_name);
  event.query = std::move(query);
  event.publish_type = type.IsString() ? type.string : "live";
  events.emplace_back(std::move(event));
  awaited_publish_ = message.stream_id;
  return Status::Ok();
}

// §7.2.2.1: play(txn, null, name, start, duration, reset) on a stream made by createStream. The
// application answers with RejectPlay; the stream's state does not change (it can still publish).
Status RtmpServerSession::Impl::OnPlay(const RtmpMessage& message, const Command& command,
                                       Events& events) {
  if (!streams_.contains(message.stream_id)) return CommandError("play on a stream not created");
  const Amf0Value& name = command.Arg(1);
  auto [stream_name, query] = SplitQuery(name.IsString() ? name.string : "");
  PlayEvent event;
  event.stream_id = message.stream_id;
  event.stream_name = std::move(stream_name);
  event.query = std::move(query);
  events.emplace_back(std::move(event));
  return Status::Ok();
}

// releaseStream(txn, null, name) and FCPublish(txn, null, name): _result(txn, null, undefined);
// FCPublish also gets onFCPublish as FMS sends it.
void RtmpServerSession::Impl::OnReleaseOrFcPublish(const Command& command) {
  SendResult(command.transaction_id, {Amf0Value::Null(), Amf0Value::Undefined()});
  if (command.name == "FCPublish") {
    const Amf0Value& name = command.Arg(1);
    Send(MakeCommand("onFCPublish", 0,
                     {Amf0Value::Null(), StatusInfo("status", "NetStream.Publish.Start",
                                                    name.IsString() ? name.string : "")}));
  }
}

// FCUnpublish(txn, null, name): ends the publishing stream of that name (query optional).
void RtmpServerSession::Impl::OnFcUnpublish(const Command& command, Events& events) {
  const Amf0Value& name = command.Arg(1);
  std::string text = name.IsString() ? name.string : "";
  SendResult(command.transaction_id, {Amf0Value::Null(), Amf0Value::Undefined()});
  Send(MakeCommand("onFCUnpublish", 0,
                   {Amf0Value::Null(), StatusInfo("status", "NetStream.Unpublish.Success", text)}));
  for (auto& [stream_id, stream] : streams_) {
    if (SplitQuery(stream.name).first == SplitQuery(text).first) {
      Unpublish(stream_id, stream, true, events);
    }
  }
}

// deleteStream(txn, null, stream id) (§7.2.2.3): the stream is gone; no reply is expected.
void RtmpServerSession::Impl::OnDeleteStream(const Command& command, Events& events) {
  const Amf0Value& id = command.Arg(1);
  if (!id.IsNumber() || id.number < 0 || id.number > UINT32_MAX) return;
  auto it = streams_.find(static_cast<uint32_t>(id.number));
  if (it == streams_.end()) return;
  Unpublish(it->first, it->second, false, events);
  streams_.erase(it);
}

// closeStream on the stream itself: ends publishing, the stream stays usable.
void RtmpServerSession::Impl::OnCloseStream(const RtmpMessage& message, Events& events) {
  auto it = streams_.find(message.stream_id);
  if (it != streams_.end()) Unpublish(it->first, it->second, true, events);
}

void RtmpServerSession::Impl::Unpublish(uint32_t stream_id, Stream& stream, bool send_status,
                                        Events& events) {
  if (stream.state != StreamState::kPublishPending && stream.state != StreamState::kPublishing) {
    return;
  }
  stream.state = StreamState::kIdle;
  UnpublishEvent event;
  event.stream_id = stream_id;
  events.emplace_back(event);
  if (send_status) {
    Send(MakeOnStatus(stream_id, "status", "NetStream.Unpublish.Success",
                      stream.name + " is now unpublished."));
  }
}

void RtmpServerSession::Impl::SendResult(double transaction_id,
                                         const std::vector<Amf0Value>& args) {
  if (transaction_id == 0) return;  // the sender expects no answer
  Send(MakeCommand("_result", transaction_id, args));
}

void RtmpServerSession::Impl::AcceptPublish(uint32_t stream_id) {
  if (awaited_publish_ == stream_id) awaited_publish_.reset();
  auto it = streams_.find(stream_id);
  if (it == streams_.end() || it->second.state != StreamState::kPublishPending) return;
  it->second.state = StreamState::kPublishing;
  Send(MakeUserControl(UserControlType::kStreamBegin, stream_id));
  Send(MakeOnStatus(stream_id, "status", "NetStream.Publish.Start",
                    it->second.name + " is now published."));
}

void RtmpServerSession::Impl::RejectPublish(uint32_t stream_id, const std::string& code,
                                            const std::string& description) {
  if (awaited_publish_ == stream_id) awaited_publish_.reset();
  auto it = streams_.find(stream_id);
  if (it == streams_.end() || it->second.state != StreamState::kPublishPending) return;
  it->second.state = StreamState::kRejected;
  Send(MakeOnStatus(stream_id, "error", code, description));
}

void RtmpServerSession::Impl::RejectPlay(uint32_t stream_id, const std::string& code,
                                         const std::string& description) {
  if (!streams_.contains(stream_id)) return;
  Send(MakeOnStatus(stream_id, "error", code, description));
}

bool RtmpServerSession::Impl::IsPublishing(uint32_t stream_id) const {
  auto it = streams_.find(stream_id);
  return it != streams_.end() && it->second.state == StreamState::kPublishing;
}

}  // namespace liverec::media::rtmp
