#include "media/rtmp/rtmp_publish_client.h"

#include <gtest/gtest.h>

#include "media/rtmp/chunk_encoder.h"
#include "media/rtmp/handshake.h"
#include "media/rtmp/rtmp_server_session.h"
#include "media/rtmp/rtmp_test_util.h"

namespace liverec::media::rtmp {
namespace {

using testing::B;
using testing::Bytes;

// Wires a client to a server session in memory. `decide` answers publish requests.
class Loopback {
 public:
  explicit Loopback(HandshakeVariant variant, bool accept = true)
      : random_(8),
        client_(random_, PublishClientOptions{"rtmp://127.0.0.1:1935/live?vhost=a.com",
                                              "live?vhost=a.com",
                                              "s1?k=v",
                                              variant,
                                              1000,
                                              {"hvc1"}}),
        accept_(accept) {}

  // Moves bytes both ways until neither side has anything to say.
  Status Pump() {
    for (int round = 0; round < 100; ++round) {
      Bytes to_server = client_.TakeOutput();
      if (!to_server.empty()) {
        auto events = server_.Feed(to_server);
        while (events) {
          for (auto& event : *events) {
            if (auto* publish = std::get_if<PublishEvent>(&event)) {
              if (accept_) {
                server_.AcceptPublish(publish->stream_id);
              } else {
                server_.RejectPublish(publish->stream_id, "NetStream.Publish.BadName", "taken");
              }
            }
            events_.push_back(std::move(event));
          }
          if (!server_.HasMessagesToResume()) break;
          events = server_.Feed({});
        }
        if (!events) return events.error();
      }
      Bytes to_client = server_.TakeOutput();
      if (!to_client.empty()) LIVEREC_RETURN_IF_ERROR(client_.Feed(to_client));
      if (to_server.empty() && to_client.empty()) return Status::Ok();
    }
    return Status(ErrorCode::kInternalError, "", "no quiescence");
  }

  RtmpPublishClient& client() { return client_; }
  std::vector<SessionEvent>& events() { return events_; }

 private:
  SeededRandom random_;
  RtmpPublishClient client_;
  RtmpServerSession server_;
  bool accept_;
  std::vector<SessionEvent> events_;
};

TEST(RtmpPublishClientTest, PublishesToTheServerSessionWithEitherHandshake) {
  for (HandshakeVariant variant : {HandshakeVariant::kPlain, HandshakeVariant::kDigest}) {
    Loopback loop(variant);
    loop.client().Start();
    ASSERT_TRUE(loop.Pump().ok());
    ASSERT_TRUE(loop.client().publishing());
    EXPECT_EQ(loop.client().status_code(), "NetStream.Publish.Start");
    EXPECT_EQ(loop.client().stream_id(), 1u);

    Bytes metadata = EncodeAmf0({Amf0Value::String("onMetaData"),
                                 Amf0Value::EcmaArray({{"duration", Amf0Value::Number(0)}})});
    loop.client().SendMetadata(metadata, 0);
    loop.client().SendVideo(testing::Filler(5000), 0);
    loop.client().SendAudio(B({0xAF, 1, 9}), 0x1000000);
    loop.client().Unpublish();
    ASSERT_TRUE(loop.Pump().ok());

    auto& events = loop.events();
    ASSERT_EQ(events.size(), 6u);
    auto& connect = std::get<ConnectEvent>(events[0]);
    EXPECT_EQ(connect.app, "live");
    EXPECT_EQ(connect.app_query, "vhost=a.com");
    EXPECT_EQ(connect.tc_url, "rtmp://127.0.0.1:1935/live?vhost=a.com");
    EXPECT_EQ(std::get<PublishEvent>(events[1]).stream_name, "s1");
    EXPECT_EQ(std::get<PublishEvent>(events[1]).query, "k=v");
    EXPECT_EQ(std::get<MediaEvent>(events[2]).payload, metadata);
    EXPECT_EQ(std::get<MediaEvent>(events[3]).payload, testing::Filler(5000));
    EXPECT_EQ(std::get<MediaEvent>(events[4]).timestamp_ms, 0x1000000);
    EXPECT_EQ(std::get<UnpublishEvent>(events[5]).stream_id, 1u);
    EXPECT_EQ(loop.client().state(), PublishClientState::kUnpublished);
  }
}

// A relay forwards the messages of a play connection as they are, on its own stream and time.
TEST(RtmpPublishClientTest, ForwardedMessagesKeepTheirPayloadAndTakeTheGivenTime) {
  Loopback loop(HandshakeVariant::kDigest);
  loop.client().Start();
  ASSERT_TRUE(loop.Pump().ok());
  ASSERT_TRUE(loop.client().publishing());
  RtmpMessage video;
  video.type = MessageType::kVideo;
  video.stream_id = 9;  // the play connection's stream
  video.chunk_stream_id = 21;
  video.timestamp = 123456;
  video.payload = testing::Filler(9000);
  RtmpMessage audio = video;
  audio.type = MessageType::kAudio;
  audio.payload = B({0xAF, 1, 7});
  loop.client().Forward(std::move(video), 40);
  loop.client().Forward(std::move(audio), 45);
  ASSERT_TRUE(loop.Pump().ok());
  auto& events = loop.events();
  ASSERT_EQ(events.size(), 4u);
  const auto& v = std::get<MediaEvent>(events[2]);
  EXPECT_EQ(v.kind, DataKind::kVideo);
  EXPECT_EQ(v.stream_id, 1u);
  EXPECT_EQ(v.timestamp_ms, 40);
  EXPECT_EQ(v.payload, testing::Filler(9000));
  const auto& a = std::get<MediaEvent>(events[3]);
  EXPECT_EQ(a.kind, DataKind::kAudio);
  EXPECT_EQ(a.timestamp_ms, 45);
  EXPECT_EQ(a.payload, B({0xAF, 1, 7}));
}

TEST(RtmpPublishClientTest, RejectedPublishFailsWithTheStatusCode) {
  Loopback loop(HandshakeVariant::kDigest, /*accept=*/false);
  loop.client().Start();
  Status status = loop.Pump();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.detail().find("NetStream.Publish.BadName"), std::string::npos);
  EXPECT_EQ(loop.client().status_code(), "NetStream.Publish.BadName");
  EXPECT_EQ(loop.client().state(), PublishClientState::kFailed);
  EXPECT_FALSE(loop.client().Feed(B({1})).ok());  // final
}

TEST(RtmpPublishClientTest, NotificationsWithoutATransactionIdAreIgnored) {
  SeededRandom random(2);
  RtmpPublishClient client(random, PublishClientOptions{"rtmp://h/a", "a", "s"});
  client.Start();
  ServerHandshake server(random);
  ASSERT_TRUE(server.Feed(client.TakeOutput()).has_value());
  Bytes from_server = server.TakeOutput();
  RtmpMessage notification;  // as ffmpeg's RTMP server sends onFCPublish: the name alone
  EncodeAmf0(Amf0Value::String("onFCPublish"), notification.payload);
  ChunkEncoder().Encode(notification, from_server);
  EXPECT_TRUE(client.Feed(from_server).ok());
  EXPECT_EQ(client.state(), PublishClientState::kConnecting);
}

TEST(RtmpPublishClientTest, RandomServerBytesFailOrWaitNeverCrash) {
  SeededRandom random(1);
  for (const auto& buffer : testing::RandomBuffers(500, 5000, 77)) {
    RtmpPublishClient client(random, PublishClientOptions{"rtmp://h/a", "a", "s"});
    client.Start();
    Bytes input{3};
    input.insert(input.end(), buffer.begin(), buffer.end());
    (void)client.Feed(input);
    EXPECT_FALSE(client.publishing());
  }
}

}  // namespace
}  // namespace liverec::media::rtmp
