#include <gtest/gtest.h>

#include "media/rtmp/rtmp_server_session.h"
#include "media/rtmp/rtmp_test_util.h"

// Truncated, random and mutated input to the whole server session: an error or more events,
// never a crash or a hang.
namespace liverec::media::rtmp {
namespace {

using testing::B;
using testing::Bytes;
using testing::MetadataPayload;
using testing::ScriptedClient;

Bytes FullSession() {
  ScriptedClient client;
  client.UpToPublish();
  Bytes data;
  EncodeAmf0(Amf0Value::String("@setDataFrame"), data);
  Bytes metadata = MetadataPayload();
  data.insert(data.end(), metadata.begin(), metadata.end());
  client.Send(RtmpMessage{5, MessageType::kDataAmf0, 1, 0, data});
  for (int i = 0; i < 5; ++i) {
    client.Media(MessageType::kAudio, 1, i * 23, B({0xAF, 1, 2, 3}));
    client.Media(MessageType::kVideo, 1, i * 40, testing::Filler(300 + i));
  }
  client.NamedCommand("FCUnpublish", 6, "s1?vhost=a.com");
  return client.bytes();
}

TEST(RtmpServerSessionTest, EveryPrefixOfASessionFeedsWithoutError) {
  Bytes bytes = FullSession();
  for (size_t n = 0; n <= bytes.size(); n += (n < 3100 ? 97 : 1)) {
    RtmpServerSession session;
    auto events = session.Feed(std::span<const uint8_t>(bytes).first(n));
    ASSERT_TRUE(events.has_value()) << n << " " << events.error().ToString();
  }
}

TEST(RtmpServerSessionTest, RandomAndMutatedInputGivesEventsOrAnErrorNeverACrash) {
  Bytes valid = FullSession();
  size_t errors = 0;
  size_t handshake_prefix = 1 + 2 * kHandshakeSize;
  for (const auto& noise : testing::RandomBuffers(2000, 2000, 2024)) {
    RtmpServerSession session;
    Bytes input(valid.begin(), valid.begin() + static_cast<ptrdiff_t>(handshake_prefix));
    input.insert(input.end(), noise.begin(), noise.end());
    auto events = session.Feed(input);
    if (!events) ++errors;
  }
  std::mt19937_64 engine(5);
  for (int i = 0; i < 1000; ++i) {
    Bytes input = valid;
    int mutations = 1 + static_cast<int>(engine() % 8);
    for (int m = 0; m < mutations; ++m) {
      size_t at = handshake_prefix + engine() % (input.size() - handshake_prefix);
      input[at] = static_cast<uint8_t>(engine());
    }
    RtmpServerSession session;
    std::vector<SessionEvent> events;
    size_t step = 1 + engine() % 700;
    for (size_t at = 0; at < input.size(); at += step) {
      auto part = std::span<const uint8_t>(input).subspan(at, std::min(step, input.size() - at));
      auto some = session.Feed(part);
      while (some) {
        for (auto& event : *some) {
          if (auto* publish = std::get_if<PublishEvent>(&event))
            session.AcceptPublish(publish->stream_id);
        }
        if (!session.HasMessagesToResume()) break;
        some = session.Feed({});
      }
      if (!some) break;
    }
    session.TakeOutput();
  }
  EXPECT_GT(errors, 1000u);
}

}  // namespace
}  // namespace liverec::media::rtmp
