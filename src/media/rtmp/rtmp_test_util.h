// Helpers shared by the media/rtmp tests (included by *_test.cc only).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "base/random.h"
#include "media/rtmp/amf0.h"
#include "media/rtmp/chunk_decoder.h"
#include "media/rtmp/chunk_encoder.h"
#include "media/rtmp/command_message.h"
#include "media/rtmp/handshake.h"
#include "media/rtmp/protocol_control.h"
#include "media/rtmp/rtmp_message.h"
#include "media/rtmp/rtmp_server_session.h"

namespace liverec::media::rtmp::testing {

using Bytes = std::vector<uint8_t>;

inline Bytes B(std::initializer_list<int> values) {
  Bytes out;
  for (int v : values) out.push_back(static_cast<uint8_t>(v));
  return out;
}

inline Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

inline Bytes Filler(size_t n, uint8_t start = 0) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(start + i);
  return out;
}

inline Bytes Text(std::string_view text) { return Bytes(text.begin(), text.end()); }

// Random buffers from a fixed seed: sizes up to `max_size`.
inline std::vector<Bytes> RandomBuffers(size_t count, size_t max_size, uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::vector<Bytes> buffers;
  for (size_t i = 0; i < count; ++i) {
    Bytes buffer(engine() % (max_size + 1));
    for (auto& byte : buffer) byte = static_cast<uint8_t>(engine());
    buffers.push_back(std::move(buffer));
  }
  return buffers;
}

// Builds what a publishing client sends, without waiting for answers (the session does not
// check C2, so it is zeros).
class ScriptedClient {
 public:
  explicit ScriptedClient(HandshakeVariant variant = HandshakeVariant::kDigest) : random_(99) {
    ClientHandshake handshake(random_, variant);
    bytes_ = handshake.Start();
    bytes_.resize(bytes_.size() + kHandshakeSize, 0);
  }
  ScriptedClient& Send(const RtmpMessage& message) {
    encoder_.Encode(message, bytes_);
    return *this;
  }
  ScriptedClient& Command(const std::string& name, double txn, std::vector<Amf0Value> args,
                          uint32_t stream_id = 0) {
    return Send(MakeCommand(name, txn, args, stream_id));
  }
  ScriptedClient& Media(MessageType type, uint32_t stream_id, int64_t timestamp, Bytes payload) {
    return Send(RtmpMessage{type == MessageType::kAudio ? 4u : 6u, type, stream_id, timestamp,
                            std::move(payload)});
  }
  ScriptedClient& Connect(const std::string& app = "live?vhost=a.com") {
    return Command("connect", 1,
                   {Amf0Value::Object({{"app", Amf0Value::String(app)},
                                       {"tcUrl", Amf0Value::String("rtmp://h/" + app)},
                                       {"objectEncoding", Amf0Value::Number(0)}})});
  }
  ScriptedClient& SetChunkSize(uint32_t size) {
    Send(MakeSetChunkSize(size));
    encoder_.set_chunk_size(size);
    return *this;
  }
  // Everything up to an accepted-or-not publish of "s1?vhost=a.com" on stream 1.
  ScriptedClient& UpToPublish() {
    SetChunkSize(4096);
    Connect();
    NamedCommand("releaseStream", 2, "s1?vhost=a.com");
    NamedCommand("FCPublish", 3, "s1?vhost=a.com");
    Command("createStream", 4, {Amf0Value::Null()});
    return Command(
        "publish", 5,
        {Amf0Value::Null(), Amf0Value::String("s1?vhost=a.com"), Amf0Value::String("live")}, 1);
  }
  // Everything up to a play request of `name` on stream 1, as ffmpeg and ffprobe send it.
  ScriptedClient& UpToPlay(const std::string& name) {
    SetChunkSize(4096);
    Connect("live");
    Command("createStream", 2, {Amf0Value::Null()});
    NamedCommand("getStreamLength", 3, name);
    return Command("play", 4,
                   {Amf0Value::Null(), Amf0Value::String(name), Amf0Value::Number(-2000)}, 1);
  }
  // name(txn, null, text), as releaseStream, FCPublish and FCUnpublish are sent.
  ScriptedClient& NamedCommand(const std::string& name, double txn, const std::string& text) {
    return Command(name, txn, {Amf0Value::Null(), Amf0Value::String(text)});
  }
  const Bytes& bytes() const { return bytes_; }

 private:
  SeededRandom random_;
  ChunkEncoder encoder_;
  Bytes bytes_;
};

// A server's replies as messages: S0+S1+S2 are skipped once, the rest is decoded.
class ReplyReader {
 public:
  std::vector<RtmpMessage> Read(RtmpServerSession& session) { return Read(session.TakeOutput()); }
  std::vector<RtmpMessage> Read(const Bytes& out) {
    std::span<const uint8_t> rest = out;
    if (!skipped_handshake_) {
      EXPECT_GE(out.size(), 1 + 2 * kHandshakeSize);
      rest = rest.subspan(1 + 2 * kHandshakeSize);
      skipped_handshake_ = true;
    }
    auto messages = decoder_.Feed(rest);
    EXPECT_TRUE(messages.has_value());
    return messages ? std::move(*messages) : std::vector<RtmpMessage>{};
  }

 private:
  ChunkDecoder decoder_;
  bool skipped_handshake_ = false;
};

// The first command message called `name` in `messages` (its parsed command in `*out`), or
// nullptr.
inline const RtmpMessage* FindCommand(const std::vector<RtmpMessage>& messages,
                                      const std::string& name, Command* out) {
  for (const auto& message : messages) {
    if (message.type != MessageType::kCommandAmf0) continue;
    auto command = ParseCommand(message);
    if (command && command->name == name) {
      *out = *command;
      return &message;
    }
  }
  return nullptr;
}

inline std::vector<uint8_t> MetadataPayload() {
  return EncodeAmf0({Amf0Value::String("onMetaData"),
                     Amf0Value::EcmaArray({{"width", Amf0Value::Number(320)},
                                           {"videocodecid", Amf0Value::Number(7)}})});
}

// Feeds `bytes` (in pieces of `step`), accepting every publish unless `accept` is false. Returns
// the events.
inline std::vector<SessionEvent> FeedAll(RtmpServerSession& session, const Bytes& bytes,
                                         size_t step, bool accept = true) {
  std::vector<SessionEvent> all;
  for (size_t i = 0; i < bytes.size(); i += step) {
    auto part = std::span<const uint8_t>(bytes).subspan(i, std::min(step, bytes.size() - i));
    auto events = session.Feed(part);
    // After a publish is answered, messages read behind it are fed on (with no new bytes).
    while (events) {
      for (auto& event : *events) {
        if (auto* publish = std::get_if<PublishEvent>(&event); publish != nullptr && accept) {
          session.AcceptPublish(publish->stream_id);
        }
        all.push_back(std::move(event));
      }
      if (!session.HasMessagesToResume()) break;
      events = session.Feed({});
    }
    EXPECT_TRUE(events.has_value()) << events.error().ToString();
    if (!events) break;
  }
  return all;
}

}  // namespace liverec::media::rtmp::testing
