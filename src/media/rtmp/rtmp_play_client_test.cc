#include "media/rtmp/rtmp_play_client.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "media/rtmp/byte_io.h"
#include "media/rtmp/rtmp_test_util.h"

namespace liverec::media::rtmp {
namespace {

using testing::Bytes;

RtmpMessage Media(MessageType type, uint32_t stream_id, int64_t timestamp, Bytes payload) {
  RtmpMessage message;
  message.chunk_stream_id = type == MessageType::kVideo ? kVideoChunkStream : kAudioChunkStream;
  message.type = type;
  message.stream_id = stream_id;
  message.timestamp = timestamp;
  message.payload = std::move(payload);
  return message;
}

// A scripted RTMP server in memory: answers connect, createStream (stream 7) and play, and
// records what the client sent.
class FakeServer {
 public:
  explicit FakeServer(std::string play_level = "status",
                      std::string play_code = "NetStream.Play.Start", double stream_id = 7)
      : random_(3),
        handshake_(random_),
        client_(random_, PlayClientOptions{"rtmp://127.0.0.1:1935/live", "live", "s1?k=v",
                                           HandshakeVariant::kDigest, 1500, 5000}),
        play_level_(std::move(play_level)),
        play_code_(std::move(play_code)),
        stream_id_(stream_id) {
    client_.Start();
  }

  // Moves bytes both ways until neither side has anything to say.
  Status Pump() {
    for (int round = 0; round < 100; ++round) {
      Bytes to_server = client_.TakeOutput();
      if (!to_server.empty()) Receive(to_server);
      Bytes to_client = std::exchange(output_, {});
      if (!to_client.empty()) LIVEREC_RETURN_IF_ERROR(client_.Feed(to_client));
      if (to_server.empty() && to_client.empty()) return Status::Ok();
    }
    return Status(ErrorCode::kInternalError, "", "no quiescence");
  }

  void Send(const RtmpMessage& message) { encoder_.Encode(message, output_); }

  RtmpPlayClient& client() { return client_; }
  const std::vector<RtmpMessage>& received() const { return received_; }
  std::vector<std::string> commands() const {
    std::vector<std::string> names;
    for (const auto& m : received_) {
      if (m.type != MessageType::kCommandAmf0) continue;
      auto command = ParseCommand(m);
      if (command) names.push_back(command->name);
    }
    return names;
  }

 private:
  void Receive(std::span<const uint8_t> bytes) {
    if (!handshake_.done()) {
      auto used = handshake_.Feed(bytes);
      ASSERT_TRUE(used.has_value());
      AppendBytes(output_, handshake_.TakeOutput());
      bytes = bytes.subspan(*used);
    }
    auto messages = decoder_.Feed(bytes);
    ASSERT_TRUE(messages.has_value());
    for (const auto& message : *messages) {
      received_.push_back(message);
      auto command = ParseCommand(message);
      if (!command) continue;
      if (command->name == "connect") {
        Send(MakeWindowAckSize(5000));
        Send(MakeCommand(
            "_result", command->transaction_id,
            {Amf0Value::Null(), StatusInfo("status", "NetConnection.Connect.Success", "ok")}));
      } else if (command->name == "createStream") {
        Send(MakeCommand("_result", command->transaction_id,
                         {Amf0Value::Null(), Amf0Value::Number(stream_id_)}));
      } else if (command->name == "play") {
        Send(MakeOnStatus(7, play_level_, play_code_, "play"));
      }
    }
  }

  SeededRandom random_;
  ServerHandshake handshake_;
  RtmpPlayClient client_;
  ChunkDecoder decoder_;
  ChunkEncoder encoder_;
  Bytes output_;
  std::vector<RtmpMessage> received_;
  std::string play_level_;
  std::string play_code_;
  double stream_id_;
};

TEST(RtmpPlayClientTest, ConnectsCreatesAStreamPlaysItAndHandsOutItsMedia) {
  FakeServer server;
  ASSERT_TRUE(server.Pump().ok());
  ASSERT_TRUE(server.client().playing()) << server.client().status_code();
  EXPECT_EQ(server.client().stream_id(), 7u);
  EXPECT_EQ(server.commands(), (std::vector<std::string>{"connect", "createStream", "play"}));
  // play(null, name, -2) on the new stream, then SetBufferLength(7, 1500 ms).
  const RtmpMessage* play = nullptr;
  const RtmpMessage* buffer = nullptr;
  for (const auto& m : server.received()) {
    if (m.type == MessageType::kCommandAmf0 && ParseCommand(m)->name == "play") play = &m;
    if (m.type == MessageType::kUserControl) buffer = &m;
  }
  ASSERT_NE(play, nullptr);
  EXPECT_EQ(play->stream_id, 7u);
  auto command = ParseCommand(*play);
  EXPECT_EQ(command->Arg(1).string, "s1?k=v");
  EXPECT_EQ(command->Arg(2).number, -2);
  ASSERT_NE(buffer, nullptr);
  EXPECT_EQ(buffer->payload, (Bytes{0, 3, 0, 0, 0, 7, 0, 0, 0x05, 0xdc}));

  server.Send(Media(MessageType::kVideo, 7, 1000, {0x17, 0, 0, 0, 0}));
  server.Send(Media(MessageType::kAudio, 7, 1010, {0xaf, 0, 0x12, 0x10}));
  ASSERT_TRUE(server.Pump().ok());
  auto media = server.client().TakeMedia();
  ASSERT_EQ(media.size(), 2u);
  EXPECT_EQ(media[0].type, MessageType::kVideo);
  EXPECT_EQ(media[0].timestamp, 1000);
  EXPECT_EQ(media[1].payload, (Bytes{0xaf, 0, 0x12, 0x10}));
  EXPECT_TRUE(server.client().TakeMedia().empty());
}

TEST(RtmpPlayClientTest, AggregateMessagesAreSplitIntoTheirTags) {
  FakeServer server;
  ASSERT_TRUE(server.Pump().ok());
  RtmpMessage aggregate;
  aggregate.type = MessageType::kAggregate;
  aggregate.stream_id = 7;
  aggregate.timestamp = 5000;
  for (auto [type, ts, body] : {std::tuple{9, 200, Bytes{0x27, 1}}, {8, 220, Bytes{0xaf, 1, 9}}}) {
    Bytes& p = aggregate.payload;
    AppendU8(p, static_cast<uint8_t>(type));
    AppendU24(p, static_cast<uint32_t>(body.size()));
    AppendU24(p, static_cast<uint32_t>(ts));
    AppendU8(p, 0);
    AppendU24(p, 0);
    AppendBytes(p, body);
    AppendU32(p, static_cast<uint32_t>(11 + body.size()));
  }
  server.Send(aggregate);
  ASSERT_TRUE(server.Pump().ok());
  auto media = server.client().TakeMedia();
  ASSERT_EQ(media.size(), 2u);
  EXPECT_EQ(media[0].type, MessageType::kVideo);
  EXPECT_EQ(media[0].timestamp, 5000);
  EXPECT_EQ(media[1].type, MessageType::kAudio);
  EXPECT_EQ(media[1].timestamp, 5020);
  EXPECT_EQ(media[1].payload, (Bytes{0xaf, 1, 9}));

  aggregate.payload.resize(aggregate.payload.size() - 3);  // cut into the last tag
  server.Send(aggregate);
  EXPECT_FALSE(server.Pump().ok());
}

TEST(RtmpPlayClientTest, PingsAreAnsweredAndTheServersWindowAcknowledged) {
  FakeServer server;
  ASSERT_TRUE(server.Pump().ok());
  server.Send(MakeUserControl(UserControlType::kPingRequest, 1234));
  server.Send(Media(MessageType::kVideo, 7, 0, Bytes(6000, 0x27)));
  ASSERT_TRUE(server.Pump().ok());
  bool pong = false;
  bool ack = false;
  for (const auto& m : server.received()) {
    if (m.type == MessageType::kUserControl) {
      auto event = ParseUserControl(m.payload);
      pong = pong || (event->type == 7 && event->value == 1234);
    }
    ack = ack || m.type == MessageType::kAcknowledgement;
  }
  EXPECT_TRUE(pong);
  EXPECT_TRUE(ack) << "a 5000-byte window was passed";
}

TEST(RtmpPlayClientTest, TheStreamEndsWithUnpublishNotifyStopOrStreamEof) {
  for (int how = 0; how < 3; ++how) {
    SCOPED_TRACE(how);
    FakeServer server;
    ASSERT_TRUE(server.Pump().ok());
    ASSERT_TRUE(server.client().playing());
    if (how == 0) server.Send(MakeOnStatus(7, "status", "NetStream.Play.UnpublishNotify", ""));
    if (how == 1) server.Send(MakeOnStatus(7, "status", "NetStream.Play.Stop", ""));
    if (how == 2) server.Send(MakeUserControl(UserControlType::kStreamEof, 7));
    ASSERT_TRUE(server.Pump().ok());
    EXPECT_TRUE(server.client().ended());
  }
}

TEST(RtmpPlayClientTest, ARefusedPlayFailsForGoodWithTheServersCode) {
  FakeServer server("error", "NetStream.Play.StreamNotFound");
  Status status = server.Pump();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.detail().find("NetStream.Play.StreamNotFound"), std::string::npos);
  EXPECT_EQ(server.client().state(), PlayClientState::kFailed);
  EXPECT_EQ(server.client().status_code(), "NetStream.Play.StreamNotFound");
  EXPECT_FALSE(server.client().Feed(Bytes{1, 2, 3}).ok());
}

// Found by the rtmp_play_client fuzz target: a stream id of -1 reached a conversion to uint32.
TEST(RtmpPlayClientTest, AStreamIdThatIsNotA32BitWholeNumberIsAProtocolError) {
  for (double id : {-1.0, 4294967296.0, 1e30, 2.5, std::nan("")}) {
    SCOPED_TRACE(id);
    FakeServer server("status", "NetStream.Play.Start", id);
    Status status = server.Pump();
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.code(), ErrorCode::kProtocolError);
    EXPECT_EQ(server.client().state(), PlayClientState::kFailed);
  }
  FakeServer largest("status", "NetStream.Play.Start", 4294967295.0);
  ASSERT_TRUE(largest.Pump().ok());
  EXPECT_EQ(largest.client().stream_id(), 4294967295u);
}

TEST(RtmpPlayClientTest, MediaBeforePlayStartIsNotHandedOut) {
  FakeServer server("status", "NetStream.Play.Reset");  // no Play.Start yet
  ASSERT_TRUE(server.Pump().ok());
  EXPECT_FALSE(server.client().playing());
  server.Send(Media(MessageType::kVideo, 7, 0, {0x17}));
  ASSERT_TRUE(server.Pump().ok());
  EXPECT_TRUE(server.client().TakeMedia().empty());
  server.Send(MakeOnStatus(7, "status", "NetStream.Play.Start", ""));
  server.Send(Media(MessageType::kVideo, 7, 40, {0x27}));
  ASSERT_TRUE(server.Pump().ok());
  EXPECT_EQ(server.client().TakeMedia().size(), 1u);
}

}  // namespace
}  // namespace liverec::media::rtmp
