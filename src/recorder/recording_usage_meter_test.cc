#include "recorder/recording_usage_meter.h"

#include <gtest/gtest.h>

#include "recorder/metered_recording.h"

namespace liverec::recorder {
namespace {

using metadata::UsageMinuteRow;

constexpr int64_t kT = 1'767'225'600'000;  // 2026-01-01T00:00:00Z, a minute boundary
constexpr int64_t kMin = 60'000;

UsageStream Stream(std::vector<std::string> formats, std::string domain = "a.com") {
  return {"acct", std::move(domain), std::move(formats)};
}

TEST(RecordingUsageMeterTest, AStreamCountsOncePerFormatAndOnceAsAStream) {
  FakeClock clock(kT);
  RecordingUsageMeter meter(clock);
  uint64_t id = meter.Begin(Stream({"m3u8", "mp4"}));
  clock.AdvanceMs(20'000);
  meter.End(id);
  clock.AdvanceMs(40'000);
  EXPECT_EQ(meter.Collect(),
            (std::vector<UsageMinuteRow>{{kT, "acct", "a.com", "", 1, 20'000},
                                         {kT, "acct", "a.com", "m3u8", 1, 20'000},
                                         {kT, "acct", "a.com", "mp4", 1, 20'000}}));
  EXPECT_EQ(meter.OpenCount(), 0u);
  clock.AdvanceMs(kMin);
  EXPECT_EQ(meter.Collect(), std::vector<UsageMinuteRow>{}) << "an ended recording counts once";
}

TEST(RecordingUsageMeterTest, UsageIsCutAtMinuteBoundariesWhateverTheCollectPeriod) {
  FakeClock clock(kT + 50'000);
  RecordingUsageMeter meter(clock);
  meter.Begin(Stream({"flv"}));
  clock.AdvanceMs(5'000);
  EXPECT_EQ(meter.Collect(), (std::vector<UsageMinuteRow>{{kT, "acct", "a.com", "", 1, 5'000},
                                                          {kT, "acct", "a.com", "flv", 1, 5'000}}));
  clock.AdvanceMs(75'000);  // to kT + 130 s: the rest of minute 0, all of minute 1, 10 s of 2
  auto rows = meter.Collect();
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0], (UsageMinuteRow{kT, "acct", "a.com", "", 1, 5'000}));
  EXPECT_EQ(rows[2], (UsageMinuteRow{kT + kMin, "acct", "a.com", "", 1, 60'000}));
  EXPECT_EQ(rows[5], (UsageMinuteRow{kT + 2 * kMin, "acct", "a.com", "flv", 1, 10'000}));
  EXPECT_EQ(meter.OpenCount(), 1u);
}

TEST(RecordingUsageMeterTest, ThePeakIsTheMostRecordingsAtOnceNotTheirNumber) {
  // Within one minute: a [0, 20 s), b [20 s, 40 s) back to back, c [10 s, 50 s) across both,
  // on two domains and another account.
  std::vector<UsageSpan> spans = {
      {Stream({"m3u8"}), kT, kT + 20'000},
      {Stream({"m3u8"}), kT + 20'000, kT + 40'000},
      {Stream({"m3u8", "mp4"}), kT + 10'000, kT + 50'000},
      {Stream({"mp4"}, "b.com"), kT + 5'000, -1},
      {{"other", "a.com", {"m3u8"}}, kT, -1},
  };
  EXPECT_EQ(MinuteUsage(spans, kT, kT + kMin),
            (std::vector<UsageMinuteRow>{{kT, "acct", "a.com", "", 2, 80'000},
                                         {kT, "acct", "a.com", "m3u8", 2, 80'000},
                                         {kT, "acct", "a.com", "mp4", 1, 40'000},
                                         {kT, "acct", "b.com", "", 1, 55'000},
                                         {kT, "acct", "b.com", "mp4", 1, 55'000},
                                         {kT, "other", "a.com", "", 1, 60'000},
                                         {kT, "other", "a.com", "m3u8", 1, 60'000}}));
  EXPECT_EQ(MinuteUsage(spans, kT + 55'000, kT + kMin).size(), 4u) << "only the open spans";
}

TEST(RecordingUsageMeterTest, AMeteredRecordingCountsFromItsStartToItsEnd) {
  struct Inner final : ingest::StreamObserver {
    explicit Inner(int& counter) : ends(counter) {}
    void OnMedia(const media::MediaPacket&, const std::optional<media::CodecConfig>&,
                 const std::optional<media::CodecConfig>&) override {}
    void OnEnd() override { ++ends; }
    int& ends;
  };
  FakeClock clock(kT);
  RecordingUsageMeter meter(clock);
  int ends = 0;
  {
    MeteredRecording recording(meter, Stream({"m3u8"}), std::make_unique<Inner>(ends));
    EXPECT_EQ(meter.OpenCount(), 1u);
    clock.AdvanceMs(3'000);
    recording.OnEnd();
    recording.OnEnd();
    EXPECT_EQ(ends, 1);
    EXPECT_EQ(meter.OpenCount(), 0u);
    clock.AdvanceMs(3'000);
  }
  auto rows = meter.Collect();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].duration_ms, 3'000);
  {
    MeteredRecording dropped(meter, Stream({"m3u8"}), std::make_unique<Inner>(ends));
    clock.AdvanceMs(1'000);
  }
  EXPECT_EQ(meter.OpenCount(), 0u) << "destroyed without OnEnd: ended too";
  EXPECT_EQ(meter.Collect().at(0).duration_ms, 1'000);
}

}  // namespace
}  // namespace liverec::recorder
