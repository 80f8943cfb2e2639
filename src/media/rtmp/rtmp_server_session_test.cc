#include "media/rtmp/rtmp_server_session.h"

#include <gtest/gtest.h>

#include "media/rtmp/chunk_encoder.h"
#include "media/rtmp/command_message.h"
#include "media/rtmp/handshake.h"
#include "media/rtmp/protocol_control.h"
#include "media/rtmp/rtmp_test_util.h"

namespace liverec::media::rtmp {
namespace {

using testing::B;
using testing::Bytes;
using testing::FeedAll;
using testing::FindCommand;
using testing::MetadataPayload;
using testing::ReplyReader;
using testing::ScriptedClient;

TEST(RtmpServerSessionTest, FullPublishSessionReportsEventsAndAnswersEveryCommand) {
  ScriptedClient client;
  client.UpToPublish();
  RtmpServerSession session;
  ReplyReader replies;

  auto events = FeedAll(session, client.bytes(), client.bytes().size());
  EXPECT_TRUE(session.handshake_done());
  ASSERT_EQ(events.size(), 2u);
  auto& connect = std::get<ConnectEvent>(events[0]);
  EXPECT_EQ(connect.app, "live");
  EXPECT_EQ(connect.app_query, "vhost=a.com");
  EXPECT_EQ(connect.tc_url, "rtmp://h/live?vhost=a.com");
  auto& publish = std::get<PublishEvent>(events[1]);
  EXPECT_EQ(publish.stream_id, 1u);
  EXPECT_EQ(publish.stream_name, "s1");
  EXPECT_EQ(publish.query, "vhost=a.com");
  EXPECT_EQ(publish.publish_type, "live");

  auto messages = replies.Read(session);
  ASSERT_GE(messages.size(), 4u);
  EXPECT_EQ(messages[0].type, MessageType::kWindowAckSize);
  EXPECT_EQ(*ParseU32Payload(messages[0].payload), 2500000u);
  EXPECT_EQ(messages[1].type, MessageType::kSetPeerBandwidth);
  Command command;
  ASSERT_NE(FindCommand(messages, "_result", &command), nullptr);
  EXPECT_EQ(command.transaction_id, 1);
  EXPECT_EQ(command.Arg(0).FindString("fmsVer"), "FMS/3,0,1,123");
  EXPECT_EQ(command.Arg(0).FindNumber("capabilities"), 31);
  EXPECT_EQ(command.Arg(1).FindString("level"), "status");
  EXPECT_EQ(command.Arg(1).FindString("code"), "NetConnection.Connect.Success");
  EXPECT_EQ(command.Arg(1).FindNumber("objectEncoding"), 0);
  std::vector<double> results;
  for (const auto& message : messages) {
    auto parsed = ParseCommand(message);
    if (parsed && parsed->name == "_result") results.push_back(parsed->transaction_id);
    if (parsed && parsed->transaction_id == 4) {
      EXPECT_EQ(parsed->Arg(1).number, 1);
    }
    if (parsed && parsed->transaction_id == 2) {
      EXPECT_EQ(parsed->Arg(1).type, Amf0Type::kUndefined);
    }
  }
  EXPECT_EQ(results, (std::vector<double>{1, 2, 3, 4}));
  ASSERT_NE(FindCommand(messages, "onFCPublish", &command), nullptr);
  const RtmpMessage* status = FindCommand(messages, "onStatus", &command);
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->stream_id, 1u);
  EXPECT_EQ(command.Arg(1).FindString("code"), "NetStream.Publish.Start");
  bool stream_begin = false;
  for (const auto& message : messages) {
    if (message.type == MessageType::kUserControl) {
      auto event = ParseUserControl(message.payload);
      stream_begin = event && event->type == 0 && event->value == 1;
    }
  }
  EXPECT_TRUE(stream_begin);

  Bytes tail_bytes;  // the same connection goes on: chunks only
  {
    ChunkEncoder encoder(4096);
    std::vector<uint8_t> data;
    EncodeAmf0(Amf0Value::String("@setDataFrame"), data);
    Bytes metadata = MetadataPayload();
    data.insert(data.end(), metadata.begin(), metadata.end());
    encoder.Encode(RtmpMessage{5, MessageType::kDataAmf0, 1, 0, data}, tail_bytes);
    encoder.Encode(RtmpMessage{4, MessageType::kAudio, 1, 0, B({0xAF, 0, 0x12, 0x10})}, tail_bytes);
    encoder.Encode(RtmpMessage{6, MessageType::kVideo, 1, 40, testing::Filler(9000)}, tail_bytes);
    encoder.Encode(
        MakeCommand("FCUnpublish", 6, {Amf0Value::Null(), Amf0Value::String("s1?vhost=a.com")}),
        tail_bytes);
    encoder.Encode(MakeCommand("deleteStream", 7, {Amf0Value::Null(), Amf0Value::Number(1)}),
                   tail_bytes);
  }
  auto tail = FeedAll(session, tail_bytes, 1000);
  ASSERT_EQ(tail.size(), 4u);
  auto& metadata = std::get<MediaEvent>(tail[0]);
  EXPECT_EQ(metadata.kind, DataKind::kMetadata);
  EXPECT_EQ(metadata.payload, MetadataPayload());
  auto& audio = std::get<MediaEvent>(tail[1]);
  EXPECT_EQ(audio.kind, DataKind::kAudio);
  EXPECT_EQ(audio.payload, B({0xAF, 0, 0x12, 0x10}));
  auto& video = std::get<MediaEvent>(tail[2]);
  EXPECT_EQ(video.kind, DataKind::kVideo);
  EXPECT_EQ(video.timestamp_ms, 40);
  EXPECT_EQ(video.payload, testing::Filler(9000));
  EXPECT_EQ(std::get<UnpublishEvent>(tail[3]).stream_id, 1u);

  messages = replies.Read(session);
  status = FindCommand(messages, "onStatus", &command);
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(command.Arg(1).FindString("code"), "NetStream.Unpublish.Success");
}

TEST(RtmpServerSessionTest, RejectedPublishGetsAnErrorStatusAndItsMediaIsDropped) {
  ScriptedClient client;
  client.UpToPublish();
  RtmpServerSession session;
  ReplyReader replies;
  auto events = FeedAll(session, client.bytes(), 512, /*accept=*/false);
  ASSERT_EQ(events.size(), 2u);
  session.RejectPublish(1, "NetStream.Publish.BadName", "s1 is already being published");
  auto messages = replies.Read(session);
  Command command;
  const RtmpMessage* status = FindCommand(messages, "onStatus", &command);
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->stream_id, 1u);
  EXPECT_EQ(command.Arg(1).FindString("level"), "error");
  EXPECT_EQ(command.Arg(1).FindString("code"), "NetStream.Publish.BadName");
  EXPECT_EQ(command.Arg(1).FindString("description"), "s1 is already being published");

  Bytes tail;
  ChunkEncoder encoder(4096);
  encoder.Encode(RtmpMessage{6, MessageType::kVideo, 1, 0, B({0x17, 0, 0, 0, 0})}, tail);
  encoder.Encode(MakeCommand("deleteStream", 7, {Amf0Value::Null(), Amf0Value::Number(1)}), tail);
  EXPECT_TRUE(FeedAll(session, tail, tail.size()).empty());  // no media, no unpublish
}

// Some encoders send publish, metadata, sequence headers and the first frames in one write.
TEST(RtmpServerSessionTest, MediaInTheSameReadAsPublishIsReportedOnceAccepted) {
  ScriptedClient client;
  client.UpToPublish();
  Bytes data;
  EncodeAmf0(Amf0Value::String("@setDataFrame"), data);
  Bytes metadata = MetadataPayload();
  data.insert(data.end(), metadata.begin(), metadata.end());
  client.Send(RtmpMessage{5, MessageType::kDataAmf0, 1, 0, data});
  const Bytes avc_header = B({0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1F});
  const Bytes aac_header = B({0xAF, 0, 0x12, 0x10});
  const Bytes key_frame = testing::Filler(5000);
  const Bytes aac_frame = B({0xAF, 1, 0x21, 0x22});
  client.Media(MessageType::kVideo, 1, 0, avc_header)
      .Media(MessageType::kAudio, 1, 0, aac_header)
      .Media(MessageType::kVideo, 1, 0, key_frame)
      .Media(MessageType::kAudio, 1, 23, aac_frame);
  RtmpServerSession session;
  auto events = session.Feed(client.bytes());  // one read
  ASSERT_TRUE(events.has_value()) << events.error().ToString();
  ASSERT_EQ(events->size(), 2u);  // connect, publish: what follows waits for the answer
  ASSERT_TRUE(std::holds_alternative<PublishEvent>((*events)[1]));
  EXPECT_FALSE(session.HasMessagesToResume()) << "nothing is reported before the answer";

  session.AcceptPublish(1);
  EXPECT_TRUE(session.HasMessagesToResume());
  auto media = session.Feed({});
  ASSERT_TRUE(media.has_value());
  EXPECT_FALSE(session.HasMessagesToResume());
  ASSERT_EQ(media->size(), 5u);
  std::vector<std::pair<DataKind, Bytes>> got;
  for (const auto& event : *media) {
    const auto& m = std::get<MediaEvent>(event);
    EXPECT_EQ(m.stream_id, 1u);
    got.emplace_back(m.kind, m.payload);
  }
  EXPECT_EQ(got, (std::vector<std::pair<DataKind, Bytes>>{{DataKind::kMetadata, metadata},
                                                          {DataKind::kVideo, avc_header},
                                                          {DataKind::kAudio, aac_header},
                                                          {DataKind::kVideo, key_frame},
                                                          {DataKind::kAudio, aac_frame}}));
  EXPECT_EQ(std::get<MediaEvent>((*media)[4]).timestamp_ms, 23);
}

TEST(RtmpServerSessionTest, MediaInTheSameReadAsARejectedPublishIsDropped) {
  ScriptedClient client;
  client.UpToPublish().Media(MessageType::kVideo, 1, 0, B({0x17, 0}));
  client.Command("deleteStream", 7, {Amf0Value::Null(), Amf0Value::Number(1)});
  RtmpServerSession session;
  auto events = FeedAll(session, client.bytes(), client.bytes().size(), /*accept=*/false);
  EXPECT_EQ(events.size(), 2u);
  session.RejectPublish(1, "NetStream.Publish.BadName", "taken");
  auto rest = session.Feed({});
  ASSERT_TRUE(rest.has_value());
  EXPECT_TRUE(rest->empty()) << "no media, and no unpublish of a stream never published";
}

TEST(RtmpServerSessionTest, MessagesBehindAnUnansweredPublishAreBounded) {
  ScriptedClient client;
  client.UpToPublish();
  RtmpServerSession session;
  ASSERT_EQ(FeedAll(session, client.bytes(), client.bytes().size(), /*accept=*/false).size(), 2u);
  Bytes frames;
  ChunkEncoder encoder(4096);
  for (int i = 0; i < 20; ++i) {
    encoder.Encode(RtmpMessage{6, MessageType::kVideo, 1, i, testing::Filler(1024 * 1024)}, frames);
  }
  auto events = session.Feed(frames);
  EXPECT_FALSE(events.has_value()) << "over 16 MiB held behind a publish never answered";
}

TEST(RtmpServerSessionTest, PingRequestIsAnsweredWithPingResponse) {
  ScriptedClient client;
  client.Connect().Send(MakeUserControl(UserControlType::kPingRequest, 1234));
  RtmpServerSession session;
  ReplyReader replies;
  FeedAll(session, client.bytes(), 100);
  auto messages = replies.Read(session);
  ASSERT_FALSE(messages.empty());
  auto& last = messages.back();
  ASSERT_EQ(last.type, MessageType::kUserControl);
  auto event = ParseUserControl(last.payload);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->type, 7);
  EXPECT_EQ(event->value, 1234u);
}

TEST(RtmpServerSessionTest, AcknowledgementIsSentWhenReceivedBytesPassThePeersWindow) {
  ScriptedClient client;
  client.Send(MakeWindowAckSize(5000)).UpToPublish();
  RtmpServerSession session;
  ReplyReader replies;
  FeedAll(session, client.bytes(), client.bytes().size());
  auto before = replies.Read(session);
  for (const auto& m : before) EXPECT_NE(m.type, MessageType::kAcknowledgement);

  Bytes media;
  ChunkEncoder encoder(4096);
  encoder.Encode(RtmpMessage{6, MessageType::kVideo, 1, 0, testing::Filler(3000)}, media);
  FeedAll(session, media, media.size());
  auto after = replies.Read(session);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].type, MessageType::kAcknowledgement);
  EXPECT_EQ(*ParseU32Payload(after[0].payload), session.bytes_received());
}

TEST(RtmpServerSessionTest, CloseStreamUnpublishesOnceAndUnknownCommandsAreIgnored) {
  ScriptedClient client;
  client.UpToPublish();
  client.Command("someVendorCommand", 9, {Amf0Value::Null()});
  client.Command("closeStream", 0, {Amf0Value::Null()}, 1);
  client.NamedCommand("FCUnpublish", 10, "s1?vhost=a.com");
  client.Command("deleteStream", 11, {Amf0Value::Null(), Amf0Value::Number(1)});
  RtmpServerSession session;
  auto events = FeedAll(session, client.bytes(), 333);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(std::get<UnpublishEvent>(events[2]).stream_id, 1u);
}

TEST(RtmpServerSessionTest, DeleteStreamOfAPublishingStreamUnpublishes) {
  ScriptedClient client;
  client.UpToPublish();
  client.Command("deleteStream", 11, {Amf0Value::Null(), Amf0Value::Number(1)});
  RtmpServerSession session;
  auto events = FeedAll(session, client.bytes(), 4096);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(std::get<UnpublishEvent>(events[2]).stream_id, 1u);
}

TEST(RtmpServerSessionTest, Amf3CommandAndDataMessagesAreUnderstood) {
  ScriptedClient client(HandshakeVariant::kPlain);
  RtmpMessage connect =
      MakeCommand("connect", 1, {Amf0Value::Object({{"app", Amf0Value::String("app")}})});
  connect.type = MessageType::kCommandAmf3;
  connect.payload.insert(connect.payload.begin(), 0);
  client.Send(connect);
  client.Command("createStream", 2, {Amf0Value::Null()});
  client.Command("publish", 0, {Amf0Value::Null(), Amf0Value::String("x")}, 1);
  RtmpMessage data{5, MessageType::kDataAmf3, 1, 0, {0}};
  EncodeAmf0(Amf0Value::String("@setDataFrame"), data.payload);
  Bytes metadata = MetadataPayload();
  data.payload.insert(data.payload.end(), metadata.begin(), metadata.end());
  RtmpSessionLimits limits;
  RtmpServerSession session(limits);
  auto events = FeedAll(session, client.bytes(), 7);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<ConnectEvent>(events[0]).app, "app");
  EXPECT_EQ(std::get<PublishEvent>(events[1]).publish_type, "live");
  Bytes tail;
  ChunkEncoder(128).Encode(data, tail);
  auto more = FeedAll(session, tail, tail.size());
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(std::get<MediaEvent>(more[0]).payload, metadata);
}

TEST(RtmpServerSessionTest, AggregateMessageIsSplitIntoItsMediaWithShiftedTimestamps) {
  ScriptedClient client;
  client.UpToPublish();
  // Two FLV-style sub-messages at 1000 and 1040; the aggregate says 50.
  Bytes aggregate =
      testing::Concat({B({9, 0, 0, 2, 0, 0x03, 0xE8, 0, 0, 0, 0, 0x17, 1}), B({0, 0, 0, 13}),
                       B({8, 0, 0, 1, 0, 0x04, 0x10, 0, 0, 0, 0, 0xAF}), B({0, 0, 0, 12})});
  client.Send(RtmpMessage{6, MessageType::kAggregate, 1, 50, aggregate});
  RtmpServerSession session;
  auto events = FeedAll(session, client.bytes(), client.bytes().size());
  // The aggregate arrived in the same read as publish: reported once the publish is accepted.
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(std::get<MediaEvent>(events[2]).timestamp_ms, 50);
  Bytes tail;
  ChunkEncoder(4096).Encode(RtmpMessage{6, MessageType::kAggregate, 1, 50, aggregate}, tail);
  auto media = FeedAll(session, tail, tail.size());
  ASSERT_EQ(media.size(), 2u);
  EXPECT_EQ(std::get<MediaEvent>(media[0]).timestamp_ms, 50);
  EXPECT_EQ(std::get<MediaEvent>(media[0]).kind, DataKind::kVideo);
  EXPECT_EQ(std::get<MediaEvent>(media[1]).timestamp_ms, 90);
  EXPECT_EQ(std::get<MediaEvent>(media[1]).payload, B({0xAF}));
}

TEST(RtmpServerSessionTest, CommandsBeforeConnectAndMalformedCommandsAreErrors) {
  {
    ScriptedClient client;
    client.Command("createStream", 2, {Amf0Value::Null()});
    RtmpServerSession session;
    auto events = session.Feed(client.bytes());
    ASSERT_FALSE(events.has_value());
    EXPECT_EQ(events.error().code(), ErrorCode::kProtocolError);
  }
  {
    ScriptedClient client;
    client.Send(RtmpMessage{3, MessageType::kCommandAmf0, 0, 0, B({0x02, 0x00, 0x09, 'c'})});
    RtmpServerSession session;
    EXPECT_FALSE(session.Feed(client.bytes()).has_value());
  }
  {
    RtmpServerSession session;
    auto events = session.Feed(B({6}));
    ASSERT_FALSE(events.has_value());
    EXPECT_FALSE(session.Feed(B({3})).has_value());  // final
  }
}

TEST(RtmpServerSessionTest, PlayIsReportedAndRejectedWithAnErrorStatusOnItsStream) {
  ScriptedClient client;
  client.UpToPlay("src?vhost=a.com");
  RtmpServerSession session;
  ReplyReader replies;
  auto events = FeedAll(session, client.bytes(), 100);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<ConnectEvent>(events[0]));
  const auto* play = std::get_if<PlayEvent>(&events[1]);
  ASSERT_NE(play, nullptr);
  EXPECT_EQ(play->stream_id, 1u);
  EXPECT_EQ(play->stream_name, "src");
  EXPECT_EQ(play->query, "vhost=a.com");
  Command command;
  EXPECT_EQ(FindCommand(replies.Read(session), "onStatus", &command), nullptr)
      << "nothing is said about the play before the application decides";

  session.RejectPlay(1, "NetStream.Play.Failed", "this server does not serve playback");
  auto messages = replies.Read(session);
  const RtmpMessage* status = FindCommand(messages, "onStatus", &command);
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->stream_id, 1u);
  EXPECT_EQ(command.Arg(1).FindString("level"), "error");
  EXPECT_EQ(command.Arg(1).FindString("code"), "NetStream.Play.Failed");
  EXPECT_EQ(command.Arg(1).FindString("description"), "this server does not serve playback");
  for (const auto& message : messages) {
    EXPECT_NE(message.type, MessageType::kVideo);
    EXPECT_NE(message.type, MessageType::kAudio);
    EXPECT_NE(message.type, MessageType::kUserControl) << "no StreamBegin: nothing is played";
  }
}

TEST(RtmpServerSessionTest, PlayOnAStreamNotCreatedIsAnError) {
  ScriptedClient client;
  client.Connect().Command("play", 2, {Amf0Value::Null(), Amf0Value::String("src")}, 7);
  RtmpServerSession session;
  auto events = session.Feed(client.bytes());
  ASSERT_FALSE(events.has_value());
  EXPECT_EQ(events.error().code(), ErrorCode::kProtocolError);
}

TEST(RtmpServerSessionTest, SessionLimitsApplyToChunkSizeAndMessageSize) {
  ScriptedClient client;
  client.Connect().Media(MessageType::kVideo, 1, 0, testing::Filler(2000));
  RtmpSessionLimits limits;
  limits.max_message_size = 1000;
  RtmpServerSession session(limits);
  EXPECT_FALSE(session.Feed(client.bytes()).has_value());

  ScriptedClient big_chunks;
  big_chunks.SetChunkSize(100000);
  RtmpServerSession other;
  EXPECT_FALSE(other.Feed(big_chunks.bytes()).has_value());
}

}  // namespace
}  // namespace liverec::media::rtmp
