#include "ingest/stream_registry.h"

#include <gtest/gtest.h>

#include "ingest/stream_meter.h"

namespace liverec::ingest {
namespace {

LiveStream Stream(const std::string& account, const std::string& domain, const std::string& app,
                  const std::string& stream) {
  LiveStream s;
  s.account_id = account;
  s.domain = domain;
  s.app = app;
  s.stream = stream;
  s.ingest_domain = "push." + domain;
  s.client_ip = "10.0.0.7";
  s.publish_time_ms = 1'767'225'600'000;
  return s;
}

TEST(StreamRegistryTest, ListsOneAccountsStreamsOfOneDomainByAppThenStream) {
  StreamRegistry registry;
  ASSERT_TRUE(registry.TryAcquire(Stream("a", "example.com", "live", "s2")));
  ASSERT_TRUE(registry.TryAcquire(Stream("a", "example.com", "live", "s1")));
  ASSERT_TRUE(registry.TryAcquire(Stream("a", "example.com", "app2", "x")));
  ASSERT_TRUE(registry.TryAcquire(Stream("a", "example.community", "live", "s1")));
  ASSERT_TRUE(registry.TryAcquire(Stream("b", "b.example.com", "live", "s1")));
  auto listed = registry.List("a", "example.com");
  ASSERT_EQ(listed.size(), 3u) << "not example.community, a domain with the same prefix";
  EXPECT_EQ(listed[0].Key(), "example.com/app2/x");
  EXPECT_EQ(listed[1].Key(), "example.com/live/s1");
  EXPECT_EQ(listed[2].Key(), "example.com/live/s2");
  EXPECT_EQ(listed[1].ingest_domain, "push.example.com");
  EXPECT_EQ(listed[1].client_ip, "10.0.0.7");
  EXPECT_TRUE(registry.List("b", "example.com").empty()) << "another account sees none of them";
  registry.Release("example.com/live/s1");
  EXPECT_EQ(registry.List("a", "example.com").size(), 2u);
  EXPECT_FALSE(registry.IsLive("example.com/live/s1"));
}

TEST(StreamRegistryTest, StatsOfALiveStreamAreStoredAndOfAGoneOneIgnored) {
  StreamRegistry registry;
  ASSERT_TRUE(registry.TryAcquire(Stream("a", "example.com", "live", "s1")));
  StreamStats stats{media::CodecId::kH264, media::CodecId::kAac, 1280, 720, 25, 2000, 128};
  registry.UpdateStats("example.com/live/s1", stats);
  registry.UpdateStats("example.com/live/gone", stats);
  auto listed = registry.List("a", "example.com");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].stats.video_codec, media::CodecId::kH264);
  EXPECT_EQ(listed[0].stats.width, 1280);
  EXPECT_EQ(listed[0].stats.frame_rate, 25);
  EXPECT_EQ(listed[0].stats.audio_kbps, 128);
  EXPECT_EQ(registry.LiveKeys(), std::vector<std::string>{"example.com/live/s1"});
}

// Records what the registry tells its observer, in order.
class RecordingObserver final : public StreamRegistryObserver {
 public:
  void Live(const LiveStream& s) override { events.push_back("live " + s.Key()); }
  void Measured(const LiveStream& s) override {
    events.push_back("measured " + s.Key() + " " + std::to_string(s.stats.video_kbps));
  }
  void Gone(const LiveStream& s) override {
    events.push_back("gone " + s.Key() + " " + s.client_ip);
  }
  std::vector<std::string> events;
};

TEST(StreamRegistryTest, TheObserverHearsOfEachAcceptedPublishMeasurementAndLeave) {
  StreamRegistry registry;
  RecordingObserver observer;
  registry.SetObserver(&observer);
  ASSERT_TRUE(registry.TryAcquire(Stream("a", "example.com", "live", "s1")));
  EXPECT_FALSE(registry.TryAcquire(Stream("a", "example.com", "live", "s1")));  // refused: silent
  StreamStats stats;
  stats.video_kbps = 900;
  registry.UpdateStats("example.com/live/s1", stats);
  registry.UpdateStats("example.com/live/other", stats);  // not live: silent
  registry.Release("example.com/live/s1");
  registry.Release("example.com/live/s1");  // twice: silent
  EXPECT_EQ(observer.events, (std::vector<std::string>{"live example.com/live/s1",
                                                       "measured example.com/live/s1 900",
                                                       "gone example.com/live/s1 10.0.0.7"}));
}

TEST(StreamRegistryTest, ARevocationReachesThatPublishOnlyAndOnce) {
  StreamRegistry registry;
  ASSERT_TRUE(registry.TryAcquire(Stream("a", "example.com", "live", "s1")));
  ASSERT_TRUE(registry.TryAcquire(Stream("a", "example.com", "live", "s2")));
  auto s1 = registry.RevocationOf("example.com/live/s1");
  auto s2 = registry.RevocationOf("example.com/live/s2");
  ASSERT_NE(s1, nullptr);
  ASSERT_NE(s2, nullptr);
  EXPECT_EQ(registry.RevocationOf("example.com/live/none"), nullptr);
  EXPECT_FALSE(s1->revoked());

  Status why(ErrorCode::kLeaseLost, "", "another node took the stream over");
  EXPECT_TRUE(registry.Revoke("example.com/live/s1", why));
  EXPECT_TRUE(s1->revoked());
  EXPECT_EQ(s1->why().code(), ErrorCode::kLeaseLost);
  EXPECT_EQ(s1->why().detail(), "another node took the stream over");
  EXPECT_FALSE(s2->revoked()) << "another stream goes on";
  EXPECT_FALSE(
      registry.Revoke("example.com/live/s1", Status(ErrorCode::kInternalError, "", "again")))
      << "once";
  EXPECT_EQ(s1->why().code(), ErrorCode::kLeaseLost);
  EXPECT_FALSE(registry.Revoke("example.com/live/none", why)) << "not live";

  // A new publish of the stream after the revoked one left starts unrevoked.
  registry.Release("example.com/live/s1");
  EXPECT_EQ(registry.RevocationOf("example.com/live/s1"), nullptr);
  ASSERT_TRUE(registry.TryAcquire(Stream("a", "example.com", "live", "s1")));
  EXPECT_FALSE(registry.RevocationOf("example.com/live/s1")->revoked());
  EXPECT_TRUE(s1->revoked()) << "the old publish keeps its flag";
}

TEST(StreamMeterTest, RatesComeOncePerWindowFromWhatWasCounted) {
  StreamMeter meter(10'000);
  StreamStats stats;
  // One second of 25 fps video at 10 000 bytes a frame and audio at 400 bytes a tag, 43 tags.
  for (int i = 0; i < 25; ++i) meter.Count(media::TrackKind::kVideo, 10'000, true);
  meter.Count(media::TrackKind::kVideo, 40, false);  // a sequence header: bytes, not a frame
  for (int i = 0; i < 43; ++i) meter.Count(media::TrackKind::kAudio, 400, false);
  EXPECT_FALSE(meter.Roll(10'999, stats)) << "not before the window has lasted a second";
  EXPECT_EQ(stats.frame_rate, 0);
  ASSERT_TRUE(meter.Roll(11'000, stats));
  EXPECT_EQ(stats.frame_rate, 25);
  EXPECT_EQ(stats.video_kbps, 2000);  // 250 040 bytes * 8 / 1000 ms = 2000.32 kbit/s
  EXPECT_EQ(stats.audio_kbps, 138);   // 17 200 bytes * 8 / 1000 ms = 137.6 kbit/s
  // The next window starts empty; a longer window divides by its real length.
  for (int i = 0; i < 30; ++i) meter.Count(media::TrackKind::kVideo, 1000, true);
  EXPECT_FALSE(meter.Roll(11'500, stats));
  ASSERT_TRUE(meter.Roll(13'000, stats));
  EXPECT_EQ(stats.frame_rate, 15);
  EXPECT_EQ(stats.video_kbps, 120);
  EXPECT_EQ(stats.audio_kbps, 0);
}

}  // namespace
}  // namespace liverec::ingest
