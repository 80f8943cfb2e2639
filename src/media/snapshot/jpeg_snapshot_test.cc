#include "media/snapshot/jpeg_snapshot.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "media/ts/ts_test_support.h"

namespace liverec::media::snapshot {
namespace {

using ts::test_support::Capture;
using ts::test_support::HaveFfmpeg;
using ts::test_support::Media;
using ts::test_support::ReadFlvMedia;
using ts::test_support::ReadHevcMp4;
using ts::test_support::RunCommand;
using ts::test_support::TempDir;
using ts::test_support::WriteFileBytes;

const MediaPacket& FirstKeyframe(const Media& media) {
  for (const auto& p : media.packets) {
    if (p.kind == TrackKind::kVideo && p.keyframe) return p;
  }
  ADD_FAILURE() << "no keyframe";
  return media.packets.front();
}

// The PSNR (dB) of `ours` against ffmpeg's own JPEG of the same source's first frame.
double PsnrAgainstFfmpeg(const std::string& source, const std::string& ours,
                         const std::string& reference) {
  EXPECT_EQ(
      RunCommand("ffmpeg -v error -y -i '" + source + "' -frames:v 1 -q:v 2 '" + reference + "'"),
      0);
  auto log = Capture("ffmpeg -hide_banner -i '" + ours + "' -i '" + reference +
                     "' -lavfi psnr -f null - 2>&1");
  std::smatch m;
  if (!log || !std::regex_search(*log, m, std::regex("average:([0-9.]+|inf)"))) return 0;
  return m[1] == "inf" ? 100 : std::stod(m[1]);
}

void ExpectJpeg(const std::string& path, int width, int height) {
  auto probe = ts::test_support::Probe(path);
  ASSERT_FALSE(probe["streams"].empty());
  EXPECT_EQ(probe["streams"][0]["codec_name"], "mjpeg");
  EXPECT_EQ(probe["streams"][0]["width"], width);
  EXPECT_EQ(probe["streams"][0]["height"], height);
}

TEST(SnapshotJpegTest, An720pH264KeyframeBecomesAJpegLikeFfmpegs) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const std::string flv = dir.File("in.flv");
  ASSERT_EQ(RunCommand("ffmpeg -v error -y -f lavfi -i testsrc2=size=1280x720:rate=25 -t 1 "
                       "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -bf 2 '" +
                       flv + "'"),
            0);
  const Media media = ReadFlvMedia(flv);
  ASSERT_TRUE(media.video);
  auto image = SnapshotJpeg(*media.video, FirstKeyframe(media));
  ASSERT_TRUE(image.has_value()) << image.error().ToString();
  EXPECT_EQ(image->width, 1280);
  EXPECT_EQ(image->height, 720);
  const std::string out = dir.File("ours.jpg");
  WriteFileBytes(out, image->bytes);
  ExpectJpeg(out, 1280, 720);
  // Same picture, same colours (a range mistake costs ~10 dB): close to ffmpeg's own capture.
  EXPECT_GT(PsnrAgainstFfmpeg(flv, out, dir.File("ref.jpg")), 30);
}

TEST(SnapshotJpegTest, A10BitHevcKeyframeIsConvertedTo8BitJpeg) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const std::string mp4 = dir.File("in.mp4");
  ASSERT_EQ(RunCommand("ffmpeg -v error -y -f lavfi -i testsrc2=size=640x360:rate=25 -t 1 "
                       "-c:v libx265 -preset ultrafast -x265-params log-level=none "
                       "-pix_fmt yuv420p10le '" +
                       mp4 + "'"),
            0);
  const Media media = ReadHevcMp4(mp4);
  ASSERT_TRUE(media.video);
  auto image = SnapshotJpeg(*media.video, FirstKeyframe(media));
  ASSERT_TRUE(image.has_value()) << image.error().ToString();
  const std::string out = dir.File("ours.jpg");
  WriteFileBytes(out, image->bytes);
  ExpectJpeg(out, 640, 360);
  EXPECT_GT(PsnrAgainstFfmpeg(mp4, out, dir.File("ref.jpg")), 30);
}

TEST(SnapshotJpegTest, AudioAndGarbageAreRefusedWithoutACrash) {
  CodecConfig video{CodecId::kH264, {0x01, 0x64, 0x00, 0x1f, 0xff, 0xe0, 0x00}, 0, 0, 0, 0};
  MediaPacket audio{TrackKind::kAudio, CodecId::kAac, 0, 0, true, {1, 2, 3}};
  EXPECT_EQ(SnapshotJpeg(video, audio).error().code(), ErrorCode::kMediaUnsupported);
  MediaPacket garbage{TrackKind::kVideo, CodecId::kH264, 0, 0, true, {0, 0, 0, 3, 0x65, 1, 2}};
  auto r = SnapshotJpeg(video, garbage);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::kMediaMalformed);
}

}  // namespace
}  // namespace liverec::media::snapshot
