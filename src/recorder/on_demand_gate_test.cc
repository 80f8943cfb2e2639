#include "recorder/on_demand_gate.h"

#include <gtest/gtest.h>

namespace liverec::recorder {
namespace {

// Records what reaches the real recorder.
struct Seen {
  std::vector<int64_t> dts;
  std::vector<bool> keyframes;
  std::vector<std::optional<media::CodecId>> video_codecs;
  bool ended = false;
};

class SeenObserver final : public ingest::StreamObserver {
 public:
  explicit SeenObserver(Seen& seen) : seen_(seen) {}
  void OnMedia(const media::MediaPacket& packet, const std::optional<media::CodecConfig>& video,
               const std::optional<media::CodecConfig>&) override {
    seen_.dts.push_back(packet.dts_ms);
    seen_.keyframes.push_back(packet.keyframe);
    seen_.video_codecs.push_back(video ? std::optional(video->codec) : std::nullopt);
  }
  void OnEnd() override { seen_.ended = true; }

 private:
  Seen& seen_;
};

media::CodecConfig H264() { return {media::CodecId::kH264, {1, 2, 3}, 640, 360}; }
media::CodecConfig Hevc() { return {media::CodecId::kHevc, {1, 2, 3}, 640, 360}; }
media::CodecConfig Aac() { return {media::CodecId::kAac, {0x12, 0x10}, 0, 0, 44100, 2}; }

media::MediaPacket Video(int64_t dts, bool key, size_t bytes = 1000) {
  return {media::TrackKind::kVideo,   media::CodecId::kH264, dts, dts, key,
          std::vector<uint8_t>(bytes)};
}
media::MediaPacket Audio(int64_t dts) {
  return {media::TrackKind::kAudio, media::CodecId::kAac, dts, dts, true, std::vector<uint8_t>(10)};
}

class OnDemandGateTest : public ::testing::Test {
 protected:
  std::unique_ptr<OnDemandGate> MakeGate() {
    return std::make_unique<OnDemandGate>(
        "example.com/live/s",
        [this](const std::string& codec, int64_t kbps, OnDemandGate::Deliver deliver) {
          ++asks_;
          codec_ = codec;
          kbps_ = kbps;
          deliver_ = std::move(deliver);
        },
        [this](const OnDemandDecision& decision) -> std::unique_ptr<ingest::StreamObserver> {
          ++starts_;
          started_with_ = decision.formats;
          return std::make_unique<SeenObserver>(seen_);
        });
  }

  // 25 fps video with a keyframe every `gop` frames, from frame `from` to `to` (exclusive).
  void Push(OnDemandGate& gate, int from, int to, int gop = 50,
            std::optional<media::CodecConfig> video = H264()) {
    for (int i = from; i < to; ++i) gate.OnMedia(Video(i * 40, i % gop == 0), video, Aac());
  }

  int asks_ = 0;
  int starts_ = 0;
  std::string codec_;
  int64_t kbps_ = -1;
  OnDemandGate::Deliver deliver_;
  std::vector<metadata::RecordFormat> started_with_;
  Seen seen_;
};

TEST_F(OnDemandGateTest, AsksOnceAfterASecondOfVideoWithCodecAndBitrate) {
  auto gate = MakeGate();
  Push(*gate, 0, 25);  // 0..960 ms
  EXPECT_EQ(asks_, 0);
  Push(*gate, 25, 60);
  EXPECT_EQ(asks_, 1);
  EXPECT_EQ(codec_, "h264");
  EXPECT_EQ(kbps_, 26 * 1000 * 8 / 1000);  // 26 frames of 1000 bytes over 1000 ms
  EXPECT_EQ(starts_, 0);
  EXPECT_TRUE(seen_.dts.empty());
}

TEST_F(OnDemandGateTest, HevcIsAskedAsH265) {
  auto gate = MakeGate();
  Push(*gate, 0, 30, 50, Hevc());
  EXPECT_EQ(codec_, "h265");
}

TEST_F(OnDemandGateTest, ARecordDecisionStartsAtTheLatestKeyframeBeforeIt) {
  auto gate = MakeGate();
  Push(*gate, 0, 120);                         // keyframes at frames 0, 50, 100; asked at frame 25
  EXPECT_LE(gate->HeldPacketsForTest(), 20u);  // only since frame 100
  deliver_(OnDemandDecision{true, "", {{"mp4", "m", "", 300, 0}}});
  EXPECT_EQ(starts_, 0);  // started by the next packet, on the gate's thread
  Push(*gate, 120, 130);
  EXPECT_EQ(starts_, 1);
  ASSERT_EQ(started_with_.size(), 1u);
  EXPECT_EQ(started_with_[0].cycle_duration_s, 300);
  ASSERT_FALSE(seen_.dts.empty());
  EXPECT_EQ(seen_.dts.front(), 100 * 40);
  EXPECT_TRUE(seen_.keyframes.front());
  EXPECT_EQ(seen_.dts.back(), 129 * 40);
  EXPECT_EQ(seen_.dts.size(), 30u);  // frames 100..129, none lost, none twice
  gate->OnEnd();
  EXPECT_TRUE(seen_.ended);
}

TEST_F(OnDemandGateTest, ADoNotRecordDecisionDiscardsTheStream) {
  auto gate = MakeGate();
  Push(*gate, 0, 40);
  deliver_(OnDemandDecision{false, "NeedRecord is false", {}});
  Push(*gate, 40, 200);
  EXPECT_EQ(starts_, 0);
  EXPECT_EQ(gate->HeldPacketsForTest(), 0u);
  EXPECT_EQ(asks_, 1);
}

TEST_F(OnDemandGateTest, HeldPacketsAreBounded) {
  auto gate = MakeGate();
  // One huge GOP: the gate never keeps more than kMaxHeldBytes.
  for (int i = 0; i < 100; ++i) {
    gate->OnMedia(Video(i * 40, i == 0, 1024 * 1024), H264(), Aac());
  }
  EXPECT_LE(gate->HeldPacketsForTest(), OnDemandGate::kMaxHeldBytes / (1024 * 1024));
}

TEST_F(OnDemandGateTest, AudioOnlyStreamsAreAskedWithoutCodec) {
  auto gate = MakeGate();
  for (int i = 0; i < 50; ++i) gate->OnMedia(Audio(i * 23), std::nullopt, Aac());
  EXPECT_EQ(asks_, 1);
  EXPECT_EQ(codec_, "");
  EXPECT_EQ(kbps_, 0);
}

// The held packets keep the codecs they came with when a video track appears after audio alone.
// (The gate once compared the new codec with the one it held by dereferencing an empty optional:
// undefined behaviour, caught by the sanitizer build's _GLIBCXX_ASSERTIONS.)
TEST_F(OnDemandGateTest, VideoAppearingAfterAudioAloneReachesTheRecorderWithItsCodec) {
  auto gate = MakeGate();
  for (int i = 0; i < 10; ++i) gate->OnMedia(Audio(i * 23), std::nullopt, Aac());
  Push(*gate, 10, 40, 10);  // video from 400 ms, a keyframe every 400 ms
  ASSERT_EQ(asks_, 1);
  EXPECT_EQ(codec_, "h264");
  deliver_(OnDemandDecision{true, "", {{"mp4", "m", "", 300, 0}}});
  Push(*gate, 40, 45, 10);
  ASSERT_EQ(starts_, 1);
  ASSERT_FALSE(seen_.video_codecs.empty());
  EXPECT_TRUE(seen_.keyframes.front());
  for (const auto& codec : seen_.video_codecs) EXPECT_EQ(codec, media::CodecId::kH264);
}

TEST_F(OnDemandGateTest, ADecisionAfterThePublisherLeftIsHarmless) {
  auto gate = MakeGate();
  Push(*gate, 0, 30);
  gate->OnEnd();
  gate.reset();
  deliver_(OnDemandDecision{true, "", {{"mp4", "m", "", 300, 0}}});
  EXPECT_EQ(starts_, 0);
}

TEST_F(OnDemandGateTest, AShortPublishIsNeverAsked) {
  auto gate = MakeGate();
  Push(*gate, 0, 10);
  gate->OnEnd();
  EXPECT_EQ(asks_, 0);
  EXPECT_FALSE(gate->AskedForTest());
}

}  // namespace
}  // namespace liverec::recorder
