#include "media/rtmp/client_connection.h"

#include <cmath>

#include "media/rtmp/byte_io.h"
#include "media/rtmp/protocol_control.h"

namespace liverec::media::rtmp {

Result<uint32_t> StreamIdOf(const Amf0Value& result) {
  const double n = result.number;
  if (!result.IsNumber() || !(n >= 0 && n <= 4294967295.0) || n != std::floor(n)) {
    return Error(ErrorCode::kProtocolError, "", "createStream result without a valid stream id");
  }
  return static_cast<uint32_t>(n);
}

void ClientConnection::Start() { AppendBytes(output_, handshake_.Start()); }

void ClientConnection::SetChunkSize(uint32_t size) {
  Send(MakeSetChunkSize(size));
  encoder_.set_chunk_size(size);
}

Status ClientConnection::Feed(std::span<const uint8_t> bytes,
                              const std::function<void()>& on_handshake_done,
                              const std::function<Status(RtmpMessage&)>& on_message) {
  bytes_received_ += bytes.size();
  if (!handshake_.done()) {
    auto used = handshake_.Feed(bytes);
    if (!used) return used.error();
    AppendBytes(output_, handshake_.TakeOutput());
    bytes = bytes.subspan(*used);
    if (!handshake_.done()) return Status::Ok();
    on_handshake_done();
  }
  auto messages = decoder_.Feed(bytes);
  if (!messages) return messages.error();
  for (auto& message : *messages) {
    if (message.type == MessageType::kWindowAckSize) {
      auto size = ParseU32Payload(message.payload);
      if (!size) return size.error();
      server_window_ = *size;
      continue;
    }
    if (message.type == MessageType::kUserControl) {
      auto event = ParseUserControl(message.payload);
      if (!event) return event.error();
      if (event->type == static_cast<uint16_t>(UserControlType::kPingRequest)) {
        Send(MakeUserControl(UserControlType::kPingResponse, event->value));
        continue;
      }
    }
    LIVEREC_RETURN_IF_ERROR(on_message(message));
  }
  if (server_window_ != 0 && bytes_received_ - acknowledged_ >= server_window_) {  // §5.4.3
    Send(MakeAcknowledgement(static_cast<uint32_t>(bytes_received_)));
    acknowledged_ = bytes_received_;
  }
  return Status::Ok();
}

}  // namespace liverec::media::rtmp
