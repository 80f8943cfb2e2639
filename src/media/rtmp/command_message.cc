#include "media/rtmp/command_message.h"

#include <utility>

namespace liverec::media::rtmp {
namespace {

// AMF3 messages (types 15, 17) start with a 0 byte ("switch to AMF0") before AMF0 values.
std::span<const uint8_t> Amf0Body(const RtmpMessage& message) {
  std::span<const uint8_t> body = message.payload;
  bool amf3 = message.type == MessageType::kCommandAmf3 || message.type == MessageType::kDataAmf3;
  if (amf3 && !body.empty() && body[0] == 0) body = body.subspan(1);
  return body;
}

}  // namespace

const Amf0Value& Command::Arg(size_t i) const {
  static const Amf0Value undefined;
  return i < args.size() ? args[i] : undefined;
}

Result<Command> ParseCommand(const RtmpMessage& message) {
  auto values = DecodeAmf0(Amf0Body(message));
  if (!values) {
    return Error(values.error().WithContext("RTMP command"));
  }
  if (values->size() < 2 || !(*values)[0].IsString() || !(*values)[1].IsNumber()) {
    std::string name = !values->empty() && (*values)[0].IsString() ? (*values)[0].string : "";
    return Error(ErrorCode::kProtocolError, "",
                 "RTMP command '" + name + "' without a name and a transaction id");
  }
  Command command;
  command.name = std::move((*values)[0].string);
  command.transaction_id = (*values)[1].number;
  command.args.assign(std::make_move_iterator(values->begin() + 2),
                      std::make_move_iterator(values->end()));
  return command;
}

Result<std::vector<Amf0Value>> ParseDataMessage(const RtmpMessage& message) {
  return DecodeAmf0(Amf0Body(message));
}

RtmpMessage MakeCommand(const std::string& name, double transaction_id,
                        const std::vector<Amf0Value>& args, uint32_t stream_id,
                        uint32_t chunk_stream_id) {
  RtmpMessage message;
  message.chunk_stream_id = chunk_stream_id;
  message.type = MessageType::kCommandAmf0;
  message.stream_id = stream_id;
  EncodeAmf0(Amf0Value::String(name), message.payload);
  EncodeAmf0(Amf0Value::Number(transaction_id), message.payload);
  for (const auto& arg : args) EncodeAmf0(arg, message.payload);
  return message;
}

Amf0Value StatusInfo(const std::string& level, const std::string& code,
                     const std::string& description) {
  return Amf0Value::Object({{"level", Amf0Value::String(level)},
                            {"code", Amf0Value::String(code)},
                            {"description", Amf0Value::String(description)}});
}

RtmpMessage MakeOnStatus(uint32_t stream_id, const std::string& level, const std::string& code,
                         const std::string& description) {
  return MakeCommand("onStatus", 0, {Amf0Value::Null(), StatusInfo(level, code, description)},
                     stream_id, kDataChunkStream);
}

}  // namespace liverec::media::rtmp
