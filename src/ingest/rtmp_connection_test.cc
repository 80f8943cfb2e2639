#include "ingest/rtmp_connection.h"

#include <gtest/gtest.h>

#include "base/log_capture_test_util.h"
#include "media/rtmp/rtmp_test_util.h"

namespace liverec::ingest {
namespace {

using media::rtmp::Command;
using media::rtmp::RtmpMessage;
using media::rtmp::testing::FindCommand;
using media::rtmp::testing::ReplyReader;
using media::rtmp::testing::ScriptedClient;

class CountingListener final : public PublishListener {
 public:
  std::unique_ptr<StreamObserver> OnPublish(const PublishInfo& /*info*/) override {
    ++publishes;
    return nullptr;
  }
  int publishes = 0;
};

class RtmpConnectionTest : public ::testing::Test {
 protected:
  RtmpConnection Connection() {
    return RtmpConnection("127.0.0.1:50000", policy_, registry_, listener_, clock_, {});
  }

  IngestPolicy policy_;
  StreamRegistry registry_;
  CountingListener listener_;
  FakeClock clock_{1'767'225'600'000};
};

TEST_F(RtmpConnectionTest, PlayIsRefusedAtOnceWithTheReasonLoggedAndTheConnectionCloses) {
  LogCapture log;
  ScriptedClient client;
  client.UpToPlay("src?vhost=a.com");
  RtmpConnection connection = Connection();
  std::vector<uint8_t> out;
  Status status = connection.OnData(client.bytes(), out);

  EXPECT_FALSE(status.ok()) << "the connection is closed after the answer";
  EXPECT_NE(status.Message().find("does not serve RTMP playback"), std::string::npos)
      << status.Message();
  ReplyReader replies;
  auto messages = replies.Read(out);
  Command command;
  const RtmpMessage* reply = FindCommand(messages, "onStatus", &command);
  ASSERT_NE(reply, nullptr) << "the refusal is sent before the connection closes";
  EXPECT_EQ(reply->stream_id, 1u);
  EXPECT_EQ(command.Arg(1).FindString("level"), "error");
  EXPECT_EQ(command.Arg(1).FindString("code"), "NetStream.Play.Failed");
  EXPECT_EQ(command.Arg(1).FindString("description"),
            "liverec records streams and does not serve RTMP playback");
  EXPECT_EQ(log.Lines("refused"),
            (std::vector<std::string>{"rtmp: 127.0.0.1:50000: play of a.com/live/src refused: "
                                      "liverec records streams and does not serve RTMP playback"}));
  EXPECT_EQ(listener_.publishes, 0);
  EXPECT_TRUE(registry_.LiveKeys().empty());
  connection.OnClose(status.Message());
}

TEST_F(RtmpConnectionTest, AForbiddenStreamIsRefusedAtPublishWithTheReason) {
  std::vector<std::string> asked;
  policy_.forbidden = [&](const std::string& account, const std::string& domain,
                          const std::string& app,
                          const std::string& stream) -> Result<std::optional<std::string>> {
    asked.push_back(account + "|" + domain + "/" + app + "/" + stream);
    return std::optional<std::string>("the stream is forbidden (ForbidLiveStream) until X");
  };
  policy_.default_account_id = "acc";
  LogCapture log;
  ScriptedClient client;
  client.UpToPublish();
  RtmpConnection connection = Connection();
  std::vector<uint8_t> out;
  (void)connection.OnData(client.bytes(), out);
  ReplyReader replies;
  Command command;
  ASSERT_NE(FindCommand(replies.Read(out), "onStatus", &command), nullptr);
  EXPECT_EQ(command.Arg(1).FindString("code"), "NetStream.Publish.Denied");
  EXPECT_EQ(command.Arg(1).FindString("description"),
            "the stream is forbidden (ForbidLiveStream) until X");
  EXPECT_EQ(asked, std::vector<std::string>{"acc|a.com/live/s1"});
  EXPECT_EQ(listener_.publishes, 0);
  EXPECT_TRUE(registry_.LiveKeys().empty());
  EXPECT_EQ(log.Lines("refused").size(), 1u);
  connection.OnClose("done");
}

TEST_F(RtmpConnectionTest, ABlockListThatCannotBeReadLetsThePublishThrough) {
  policy_.forbidden = [](const std::string&, const std::string&, const std::string&,
                         const std::string&) -> Result<std::optional<std::string>> {
    return Error(ErrorCode::kServiceUnavailable, "", "database down");
  };
  LogCapture log;
  ScriptedClient client;
  client.UpToPublish();
  RtmpConnection connection = Connection();
  std::vector<uint8_t> out;
  ASSERT_TRUE(connection.OnData(client.bytes(), out).ok());
  EXPECT_EQ(listener_.publishes, 1);
  EXPECT_EQ(log.Lines("block list cannot be read").size(), 1u);
  connection.OnClose("done");
}

TEST_F(RtmpConnectionTest, AForbiddenPublisherIsCutAtItsNextRead) {
  ScriptedClient client;
  client.UpToPublish();
  RtmpConnection connection = Connection();
  std::vector<uint8_t> out;
  ASSERT_TRUE(connection.OnData(client.bytes(), out).ok());
  ASSERT_TRUE(registry_.Revoke("a.com/live/s1", Status(ErrorCode::kStreamForbidden, "", "cut")));
  uint8_t more[1] = {0};
  Status cut = connection.OnData(more, out);
  EXPECT_EQ(cut.code(), ErrorCode::kStreamForbidden);
  EXPECT_TRUE(registry_.LiveKeys().empty()) << "the publish ended";
  connection.OnClose(cut.Message());
}

TEST_F(RtmpConnectionTest, APlayOfALiveStreamLeavesItsPublisherAlone) {
  ScriptedClient publisher;
  publisher.UpToPublish();
  RtmpConnection publishing = Connection();
  std::vector<uint8_t> out;
  ASSERT_TRUE(publishing.OnData(publisher.bytes(), out).ok());
  ASSERT_EQ(registry_.LiveKeys(), std::vector<std::string>{"a.com/live/s1"});

  ScriptedClient player;
  player.UpToPlay("s1?vhost=a.com");
  RtmpConnection playing = Connection();
  EXPECT_FALSE(playing.OnData(player.bytes(), out).ok());
  playing.OnClose("refused");
  EXPECT_EQ(registry_.LiveKeys(), std::vector<std::string>{"a.com/live/s1"});
  EXPECT_EQ(listener_.publishes, 1);
}

TEST_F(RtmpConnectionTest, ARevokedPublishEndsAtTheNextReadAndTheConnectionCloses) {
  LogCapture log;
  ScriptedClient publisher;
  publisher.UpToPublish();
  RtmpConnection publishing = Connection();
  std::vector<uint8_t> out;
  ASSERT_TRUE(publishing.OnData(publisher.bytes(), out).ok());
  ASSERT_EQ(registry_.LiveKeys(), std::vector<std::string>{"a.com/live/s1"});
  ASSERT_TRUE(publishing.OnData({}, out).ok()) << "not revoked: reads go on";

  ASSERT_TRUE(registry_.Revoke(
      "a.com/live/s1", Status(ErrorCode::kLeaseLost, "", "another node took the stream over")));
  EXPECT_EQ(registry_.LiveKeys(), std::vector<std::string>{"a.com/live/s1"})
      << "the connection ends it, on its own thread";
  Status status = publishing.OnData({}, out);
  EXPECT_EQ(status.code(), ErrorCode::kLeaseLost) << "the connection closes";
  EXPECT_TRUE(registry_.LiveKeys().empty()) << "the publish ended as a leave";
  EXPECT_EQ(log.Lines("ended").size(), 1u);
  EXPECT_NE(log.Lines("ended")[0].find("another node took the stream over"), std::string::npos)
      << log.Lines("ended")[0];
  publishing.OnClose(status.ToString());

  // The stream can be published again at once, on a new connection.
  ScriptedClient again;
  again.UpToPublish();
  RtmpConnection republishing = Connection();
  ASSERT_TRUE(republishing.OnData(again.bytes(), out).ok());
  EXPECT_EQ(registry_.LiveKeys(), std::vector<std::string>{"a.com/live/s1"});
  EXPECT_EQ(listener_.publishes, 2);
}

}  // namespace
}  // namespace liverec::ingest
