#include "media/mp4/movie_box.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace liverec::media::mp4 {
namespace {

class OneSampleSource final : public SampleSource {
 public:
  explicit OneSampleSource(SampleRecord record) : record_(record) {}
  Status Rewind() override {
    done_ = false;
    return Status::Ok();
  }
  Result<bool> Next(SampleRecord& record) override {
    if (done_) return false;
    record = record_;
    done_ = true;
    return true;
  }

 private:
  SampleRecord record_;
  bool done_ = false;
};

uint32_t U32(const std::vector<uint8_t>& b, size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) |
         b[at + 3];
}

// The offset of the first box of `type` at or after `from` inside [from, end), descending into
// nothing; npos when absent.
size_t Find(const std::vector<uint8_t>& b, size_t from, size_t end, const std::string& type) {
  for (size_t at = from; at + 8 <= end && U32(b, at) >= 8; at += U32(b, at)) {
    if (std::string(b.begin() + static_cast<long>(at) + 4, b.begin() + static_cast<long>(at) + 8) ==
        type) {
      return at;
    }
  }
  return std::string::npos;
}

// The child `path` ("trak/mdia/mdhd") of the box at `at`.
size_t Child(const std::vector<uint8_t>& b, size_t at, const std::vector<std::string>& path) {
  for (const std::string& type : path) {
    if (at == std::string::npos) return at;
    at = Find(b, at + 8, at + U32(b, at), type);
  }
  return at;
}

MovieTrack Track(bool video, uint32_t timescale, SampleSource& samples, TrackSummary summary) {
  MovieTrack track;
  track.video = video;
  track.timescale = timescale;
  track.width = video ? 640 : 0;
  track.height = video ? 360 : 0;
  track.sample_description = {0, 0, 0, 16, 's', 't', 's', 'd', 0, 0, 0, 0, 0, 0, 0, 0};
  track.summary = summary;
  track.samples = &samples;
  return track;
}

std::vector<uint8_t> Written(const std::vector<MovieTrack>& tracks) {
  MemorySink sink;
  BoxWriter out(sink);
  EXPECT_TRUE(WriteMovieBox(tracks, false, 0, out).ok());
  EXPECT_EQ(sink.data().size(), MovieBoxSize(tracks, false));
  return sink.data();
}

TEST(MovieBoxTest, SizesAreKnownBeforehandAndTracksStartWhereTheirFirstSampleIsShown) {
  SampleRecord v;
  v.size = 100;
  v.duration = 3000;
  v.dts = -3000;  // B-frames: the first frame is decoded before time 0 and shown at 3000
  v.cts = 6000;
  v.keyframe = 1;
  SampleRecord a;
  a.offset = 100;
  a.size = 10;
  a.duration = 1024;
  a.dts = 441;  // audio starts 10 ms late
  a.keyframe = 1;
  OneSampleSource video_samples(v);
  OneSampleSource audio_samples(a);
  auto vs = Summarize(video_samples);
  auto as = Summarize(audio_samples);
  ASSERT_TRUE(vs && as);
  const auto moov =
      Written({Track(true, 90000, video_samples, *vs), Track(false, 44100, audio_samples, *as)});
  ASSERT_EQ(std::string(moov.begin() + 4, moov.begin() + 8), "moov");
  const size_t video = Child(moov, 0, {"trak"});
  ASSERT_NE(video, std::string::npos);
  const size_t audio = Find(moov, video + U32(moov, video), moov.size(), "trak");
  ASSERT_NE(audio, std::string::npos);

  // Video: shown from 3000/90000 s = 33 ms; one edit entry per §8.6.6 after an empty edit.
  const size_t velst = Child(moov, video, {"edts", "elst"});
  ASSERT_NE(velst, std::string::npos);
  EXPECT_EQ(U32(moov, velst + 12), 2u);           // entry_count
  EXPECT_EQ(U32(moov, velst + 16), 33u);          // empty edit, ms (rounded down)
  EXPECT_EQ(U32(moov, velst + 20), 0xffffffffu);  // media_time -1
  EXPECT_EQ(U32(moov, velst + 28), 34u);          // 3000/90000 s, rounded up
  EXPECT_EQ(U32(moov, velst + 32), 6000u);        // media_time: the composition offset
  // Audio: 441/44100 s = 10 ms of empty edit, then its media from 0.
  const size_t aelst = Child(moov, audio, {"edts", "elst"});
  EXPECT_EQ(U32(moov, aelst + 16), 10u);
  EXPECT_EQ(U32(moov, aelst + 28), 24u);
  EXPECT_EQ(U32(moov, aelst + 32), 0u);

  const size_t hdlr = Child(moov, audio, {"mdia", "hdlr"});
  EXPECT_EQ(std::string(moov.begin() + static_cast<long>(hdlr) + 16,
                        moov.begin() + static_cast<long>(hdlr) + 20),
            "soun");
  const size_t tkhd = Child(moov, video, {"tkhd"});
  EXPECT_EQ(U32(moov, tkhd + 84), 640u << 16);
  EXPECT_EQ(U32(moov, tkhd + 88), 360u << 16);
  const size_t mvhd = Child(moov, 0, {"mvhd"});
  EXPECT_EQ(U32(moov, mvhd + 12 + 8), kMovieTimescale);
  EXPECT_EQ(U32(moov, mvhd + 12 + 12), 67u);  // the video's 33 + 34 ms
  EXPECT_EQ(U32(moov, mvhd + 104), 3u);       // next_track_ID
}

TEST(MovieBoxTest, MediaLongerThan32BitsOfItsTimescaleGetsAVersion1MediaHeader) {
  SampleRecord v;
  v.size = 1;
  v.duration = 0xffffffffu;
  v.keyframe = 1;
  OneSampleSource samples(v);
  auto summary = Summarize(samples);
  ASSERT_TRUE(summary);
  summary->duration = uint64_t{1} << 33;
  const auto moov = Written({Track(true, 90000, samples, *summary)});
  const size_t mdhd = Child(moov, 0, {"trak", "mdia", "mdhd"});
  ASSERT_NE(mdhd, std::string::npos);
  EXPECT_EQ(U32(moov, mdhd), 44u);
  EXPECT_EQ(moov[mdhd + 8], 1);  // version
}

TEST(MovieBoxTest, FileTypeNamesAvc1OnlyForH264) {
  const auto avc = FileTypeBox(true);
  const auto other = FileTypeBox(false);
  EXPECT_EQ(avc.size(), U32(avc, 0));
  EXPECT_EQ(other.size(), U32(other, 0));
  EXPECT_NE(std::string(avc.begin(), avc.end()).find("avc1"), std::string::npos);
  EXPECT_EQ(std::string(other.begin(), other.end()).find("avc1"), std::string::npos);
}

}  // namespace
}  // namespace liverec::media::mp4
