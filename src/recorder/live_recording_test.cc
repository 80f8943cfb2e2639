// LiveRecording with a fake clock and fake recordings: effects are carried out at the next
// packet, in order; a time window starts recording when it opens and stops it (closing the files
// at once) when it closes, once; the publisher's end stops the recording and ends the control.
#include "recorder/live_recording.h"

#include <gtest/gtest.h>

namespace liverec::recorder {
namespace {

struct Log {
  std::vector<std::string> lines;
};

// A recording that logs what reaches it.
class FakeRecording final : public ingest::StreamObserver {
 public:
  FakeRecording(Log& log, int n) : log_(log), n_(n) {}
  void OnMedia(const media::MediaPacket& packet, const std::optional<media::CodecConfig>&,
               const std::optional<media::CodecConfig>&) override {
    log_.lines.push_back("media " + std::to_string(n_) + " " + std::to_string(packet.dts_ms));
  }
  void OnEnd() override { log_.lines.push_back("end " + std::to_string(n_)); }

 private:
  Log& log_;
  int n_;
};

media::MediaPacket Packet(int64_t dts) {
  media::MediaPacket p;
  p.kind = media::TrackKind::kVideo;
  p.dts_ms = p.pts_ms = dts;
  p.keyframe = true;
  return p;
}

metadata::RecordConfig Config(int on_demand) {
  metadata::RecordConfig config;
  config.id = "cfg";
  config.on_demand = on_demand;
  config.formats.push_back({"m3u8", "p", "s", 900, 5});
  return config;
}

class LiveRecordingTest : public ::testing::Test {
 protected:
  std::unique_ptr<LiveRecording> Make(std::optional<RecordWindow> window = std::nullopt) {
    return std::make_unique<LiveRecording>(
        control_,
        [this](const TaskEffect& effect) -> std::unique_ptr<ingest::StreamObserver> {
          ++starts_;
          log_.lines.push_back(std::string("start ") + std::to_string(starts_) +
                               (effect.on_demand ? " on-demand" : ""));
          return std::make_unique<FakeRecording>(log_, starts_);
        },
        [this] { log_.lines.push_back("close now"); }, clock_, std::move(window),
        [this] { log_.lines.push_back("unregistered"); });
  }
  void Push(LiveRecording& r, int64_t dts) { r.OnMedia(Packet(dts), std::nullopt, std::nullopt); }

  FakeClock clock_{1'000'000};
  std::shared_ptr<LiveControl> control_ = std::make_shared<LiveControl>("a.com/live/s1");
  Log log_;
  int starts_ = 0;
};

TEST_F(LiveRecordingTest, CommandsTakeEffectAtTheNextPacketInOrder) {
  auto r = Make();
  Push(*r, 0);
  ASSERT_TRUE(control_->Command(RecordCommand::kStart, Config(7)).ok());
  EXPECT_TRUE(log_.lines.empty());  // nothing happens off the I/O thread
  Push(*r, 40);
  ASSERT_TRUE(control_->Command(RecordCommand::kRestart, Config(7)).ok());
  Push(*r, 80);
  ASSERT_TRUE(control_->Command(RecordCommand::kStop, std::nullopt).ok());
  Push(*r, 120);
  ASSERT_TRUE(control_->Command(RecordCommand::kCancelDelay, std::nullopt).ok());
  Push(*r, 160);
  EXPECT_EQ(log_.lines, (std::vector<std::string>{"start 1", "media 1 40", "end 1", "close now",
                                                  "start 2", "media 2 80", "end 2", "close now"}));
  EXPECT_EQ(control_->state(), TaskState::kIdle);
}

TEST_F(LiveRecordingTest, AutomaticStartQueuedAtPublishRecordsFromTheFirstPacket) {
  control_->AutoStart(Config(0), false, "automatic");
  auto r = Make();
  EXPECT_TRUE(r->RecordingForTest());
  Push(*r, 0);
  r->OnEnd();
  EXPECT_EQ(log_.lines,
            (std::vector<std::string>{"start 1", "media 1 0", "end 1", "unregistered"}));
  EXPECT_TRUE(control_->ended());
}

TEST_F(LiveRecordingTest, AWindowStartsRecordingWhenItOpensAndClosesTheFilesWhenItCloses) {
  RecordWindow window{1'010'000, 1'020'000, Config(1), true, false};
  auto r = Make(window);
  Push(*r, 0);
  clock_.SetMs(1'009'999);
  Push(*r, 40);
  EXPECT_TRUE(log_.lines.empty());
  clock_.SetMs(1'010'000);
  Push(*r, 80);
  clock_.SetMs(1'019'999);
  Push(*r, 120);
  clock_.SetMs(1'020'000);
  Push(*r, 160);
  clock_.SetMs(1'030'000);
  Push(*r, 200);
  EXPECT_EQ(log_.lines, (std::vector<std::string>{"start 1 on-demand", "media 1 80", "media 1 120",
                                                  "end 1", "close now"}));
  // The rule fired once: a manual start after the window is not stopped by it again.
  ASSERT_TRUE(control_->Command(RecordCommand::kStart, Config(1)).ok());
  clock_.SetMs(1'040'000);
  Push(*r, 240);
  EXPECT_EQ(log_.lines.back(), "media 2 240");
}

TEST_F(LiveRecordingTest, AWindowThatOpenedBeforeThePublishOnlyCloses) {
  control_->AutoStart(Config(0), false, "automatic");
  RecordWindow window{900'000, 1'010'000, Config(0), false, true};
  auto r = Make(window);
  Push(*r, 0);
  clock_.SetMs(1'010'000);
  Push(*r, 40);
  EXPECT_EQ(log_.lines, (std::vector<std::string>{"start 1", "media 1 0", "end 1", "close now"}));
}

TEST_F(LiveRecordingTest, ThePublisherLeavingCarriesOutQueuedClosesButNoStarts) {
  auto r = Make();
  ASSERT_TRUE(control_->Command(RecordCommand::kStart, Config(7)).ok());
  Push(*r, 0);
  ASSERT_TRUE(control_->Command(RecordCommand::kStop, std::nullopt).ok());
  ASSERT_TRUE(control_->Command(RecordCommand::kRestart, Config(7)).ok());
  r->OnEnd();
  r->OnEnd();
  EXPECT_EQ(log_.lines, (std::vector<std::string>{"start 1", "media 1 0", "end 1", "close now",
                                                  "unregistered"}));
  EXPECT_EQ(control_->Command(RecordCommand::kStart, Config(7)).code(),
            ErrorCode::kLiveStreamNotFound);
}

}  // namespace
}  // namespace liverec::recorder
