#include "ingest/stream_event_listener.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace liverec::ingest {
namespace {

constexpr int64_t kStart = 1'767'225'600'000;

// The recorder's stand-in: counts what its observer gets.
class CountingListener final : public PublishListener {
 public:
  struct Counts {
    int media = 0;
    int ends = 0;
  };
  std::unique_ptr<StreamObserver> OnPublish(const PublishInfo&) override {
    ++publishes;
    if (!observe) return nullptr;
    class Observer final : public StreamObserver {
     public:
      explicit Observer(Counts& counts) : counts_(counts) {}
      void OnMedia(const media::MediaPacket&, const std::optional<media::CodecConfig>&,
                   const std::optional<media::CodecConfig>&) override {
        ++counts_.media;
      }
      void OnEnd() override { ++counts_.ends; }

     private:
      Counts& counts_;
    };
    return std::make_unique<Observer>(counts);
  }
  bool observe = true;
  int publishes = 0;
  Counts counts;
};

class RecordingSink final : public StreamEventSink {
 public:
  void Published(uint64_t id, const PublishInfo& info, int64_t published_ms, int width,
                 int height) override {
    events.push_back("publish " + std::to_string(id) + " " + info.identity.stream + " " +
                     std::to_string(published_ms - kStart) + " " + std::to_string(width) + "x" +
                     std::to_string(height));
  }
  void PublishDone(uint64_t id, const PublishInfo& info, int64_t ended_ms) override {
    events.push_back("done " + std::to_string(id) + " " + info.identity.stream + " " +
                     std::to_string(ended_ms - kStart));
  }
  std::vector<std::string> events;
};

class StreamEventListenerTest : public ::testing::Test {
 protected:
  PublishInfo Info(const std::string& stream) {
    PublishInfo info;
    info.identity.domain = "example.com";
    info.identity.app = "live";
    info.identity.stream = stream;
    info.account_id = "acct";
    info.peer = "10.0.0.7:50000";
    return info;
  }
  void Media(StreamObserver& observer) {
    media::CodecConfig video;
    video.codec = media::CodecId::kH264;
    video.width = 1280;
    video.height = 720;
    observer.OnMedia(media::MediaPacket{}, video, std::nullopt);
  }

  FakeClock clock_{kStart};
  CountingListener inner_;
  RecordingSink sink_;
  StreamEventListener listener_{inner_, sink_, clock_};
};

TEST_F(StreamEventListenerTest, PublishIsReportedAtTheFirstMediaTwoSecondsInAndDoneAtTheEnd) {
  auto observer = listener_.OnPublish(Info("s1"));
  ASSERT_NE(observer, nullptr);
  Media(*observer);
  clock_.AdvanceMs(1999);
  Media(*observer);
  EXPECT_TRUE(sink_.events.empty()) << "not confirmed before 2 s";
  clock_.AdvanceMs(1);
  Media(*observer);
  clock_.AdvanceMs(500);
  Media(*observer);
  ASSERT_EQ(sink_.events, std::vector<std::string>{"publish 1 s1 0 1280x720"})
      << "once, with the publish time and the video size";
  clock_.AdvanceMs(3000);
  observer->OnEnd();
  EXPECT_EQ(sink_.events.back(), "done 1 s1 5500");
  EXPECT_EQ(inner_.counts.media, 4) << "the recorder's observer still gets every packet";
  EXPECT_EQ(inner_.counts.ends, 1);
}

TEST_F(StreamEventListenerTest, APublisherLeavingWithinTwoSecondsIsNeverReported) {
  auto observer = listener_.OnPublish(Info("short"));
  for (int i = 0; i < 19; ++i) {
    Media(*observer);
    clock_.AdvanceMs(100);
  }
  observer->OnEnd();
  EXPECT_TRUE(sink_.events.empty()) << "neither publish nor publish_done";
  EXPECT_EQ(inner_.counts.ends, 1);
}

TEST_F(StreamEventListenerTest, ASilentPublisherIsNotConfirmedAndEachPublishHasItsOwnId) {
  auto silent = listener_.OnPublish(Info("silent"));
  clock_.AdvanceMs(10'000);
  silent->OnEnd();
  EXPECT_TRUE(sink_.events.empty()) << "confirmation needs media at or after 2 s";
  auto again = listener_.OnPublish(Info("s1"));
  clock_.AdvanceMs(2000);
  Media(*again);
  again->OnEnd();
  EXPECT_EQ(sink_.events,
            (std::vector<std::string>{"publish 2 s1 10000 1280x720", "done 2 s1 12000"}));
}

TEST_F(StreamEventListenerTest, WorksWhenTheWrappedListenerDoesNotObserve) {
  inner_.observe = false;
  auto observer = listener_.OnPublish(Info("s1"));
  ASSERT_NE(observer, nullptr) << "stream events need an observer even without recording";
  clock_.AdvanceMs(2000);
  observer->OnMedia(media::MediaPacket{}, std::nullopt, std::nullopt);
  observer->OnEnd();
  EXPECT_EQ(sink_.events, (std::vector<std::string>{"publish 1 s1 0 0x0", "done 1 s1 2000"}));
  EXPECT_EQ(inner_.publishes, 1);
}

}  // namespace
}  // namespace liverec::ingest
