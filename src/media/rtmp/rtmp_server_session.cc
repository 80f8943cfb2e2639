#include "media/rtmp/rtmp_server_session.h"

#include <spdlog/spdlog.h>

#include "media/rtmp/protocol_control.h"
#include "media/rtmp/rtmp_session_impl.h"

namespace liverec::media::rtmp {

RtmpServerSession::Impl::Impl(RtmpSessionLimits limits)
    : handshake_(random_),
      decoder_(ChunkDecoderLimits{limits.max_chunk_size, limits.max_message_size,
                                  limits.max_chunk_streams}) {}

Result<std::vector<SessionEvent>> RtmpServerSession::Impl::Feed(std::span<const uint8_t> bytes) {
  if (!failed_.ok()) return Error(failed_);
  bytes_received_ += bytes.size();
  Events events;
  if (!handshake_.done()) {
    auto used = handshake_.Feed(bytes);
    if (!used) {
      failed_ = used.error();
      return Error(failed_);
    }
    AppendBytes(output_, handshake_.TakeOutput());
    bytes = bytes.subspan(*used);
    if (!handshake_.done()) return events;
  }
  auto messages = decoder_.Feed(bytes);
  if (!messages) {
    failed_ = messages.error();
    return Error(failed_);
  }
  for (auto& message : *messages) {
    unread_bytes_ += message.payload.size();
    unread_.push_back(std::move(message));
  }
  // Messages are handled in order, but none past a publish until the application answers it:
  // what follows (metadata, sequence headers, frames) must be judged by that answer.
  while (!unread_.empty() && !awaited_publish_) {
    RtmpMessage message = std::move(unread_.front());
    unread_.pop_front();
    unread_bytes_ -= message.payload.size();
    Status status = OnMessage(message, events);
    if (!status.ok()) {
      failed_ = status;
      return Error(failed_);
    }
  }
  if (unread_bytes_ > kMaxUnreadBytes) {
    failed_ = Status(ErrorCode::kProtocolError, "",
                     "RTMP: over 16 MiB of messages behind a publish not yet answered");
    return Error(failed_);
  }
  MaybeAcknowledge();
  return events;
}

Status RtmpServerSession::Impl::OnMessage(RtmpMessage& message, Events& events) {
  switch (message.type) {
    case MessageType::kSetChunkSize:
    case MessageType::kAbort:  // applied by the chunk decoder
    case MessageType::kAcknowledgement:
    case MessageType::kWindowAckSize:
    case MessageType::kSetPeerBandwidth:
    case MessageType::kUserControl:
      return OnProtocolControl(message);
    case MessageType::kCommandAmf0:
    case MessageType::kCommandAmf3:
      return OnCommand(message, events);
    case MessageType::kDataAmf0:
    case MessageType::kDataAmf3:
      OnData(message, events);
      return Status::Ok();
    case MessageType::kAudio:
    case MessageType::kVideo:
      OnMedia(message, events);
      return Status::Ok();
    case MessageType::kAggregate:
      OnAggregate(message, events);
      return Status::Ok();
    default:  // shared objects and unknown types are not used by publishers
      spdlog::debug("rtmp: ignoring message type {}", static_cast<int>(message.type));
      return Status::Ok();
  }
}

// §5.4 protocol control and §6.2 user control messages.
Status RtmpServerSession::Impl::OnProtocolControl(const RtmpMessage& message) {
  if (message.type == MessageType::kWindowAckSize) {  // §5.4.4
    auto size = ParseU32Payload(message.payload);
    if (!size) return size.error();
    peer_window_ = *size;
    return Status::Ok();
  }
  if (message.type == MessageType::kUserControl) {
    auto event = ParseUserControl(message.payload);
    if (!event) return event.error();
    if (event->type == static_cast<uint16_t>(UserControlType::kPingRequest)) {  // §7.1.7
      Send(MakeUserControl(UserControlType::kPingResponse, event->value));
    }
  }
  return Status::Ok();
}

// §5.4.3: acknowledge after receiving a window's worth of bytes; the sequence number is the
// number of bytes received so far (modulo 2^32).
void RtmpServerSession::Impl::MaybeAcknowledge() {
  if (peer_window_ == 0) return;
  if (bytes_received_ - acknowledged_ < peer_window_) return;
  Send(MakeAcknowledgement(static_cast<uint32_t>(bytes_received_)));
  acknowledged_ = bytes_received_;
}

RtmpServerSession::RtmpServerSession(RtmpSessionLimits limits)
    : impl_(std::make_unique<Impl>(limits)) {}

RtmpServerSession::~RtmpServerSession() = default;

Result<std::vector<SessionEvent>> RtmpServerSession::Feed(std::span<const uint8_t> bytes) {
  return impl_->Feed(bytes);
}

std::vector<uint8_t> RtmpServerSession::TakeOutput() { return impl_->TakeOutput(); }

void RtmpServerSession::AcceptPublish(uint32_t stream_id) { impl_->AcceptPublish(stream_id); }

void RtmpServerSession::RejectPublish(uint32_t stream_id, const std::string& code,
                                      const std::string& description) {
  impl_->RejectPublish(stream_id, code, description);
}

void RtmpServerSession::RejectPlay(uint32_t stream_id, const std::string& code,
                                   const std::string& description) {
  impl_->RejectPlay(stream_id, code, description);
}

bool RtmpServerSession::HasMessagesToResume() const { return impl_->HasMessagesToResume(); }

bool RtmpServerSession::handshake_done() const { return impl_->handshake_done(); }

uint64_t RtmpServerSession::bytes_received() const { return impl_->bytes_received(); }

}  // namespace liverec::media::rtmp
