#include "memory_flv.h"

#include <gtest/gtest.h>

#include "loadpub_test_util.h"

namespace liverec::loadpub {
namespace {

using testing::AudioFrame;
using testing::AudioSequenceHeader;
using testing::Bytes;
using testing::FlvBytes;
using testing::Metadata;
using testing::TempFlv;
using testing::VideoFrame;
using testing::VideoSequenceHeader;

// Starts at 1000 ms as a cut from a longer recording would: 25 fps video, audio every ~23 ms.
std::vector<testing::TagSpec> SmallFile() {
  return {{FlvTagType::kScriptData, 1000, Metadata()},
          {FlvTagType::kVideo, 1000, VideoSequenceHeader()},
          {FlvTagType::kAudio, 1000, AudioSequenceHeader()},
          {FlvTagType::kVideo, 1000, VideoFrame(true)},
          {FlvTagType::kAudio, 1000, AudioFrame()},
          {FlvTagType::kAudio, 1023, AudioFrame()},
          {FlvTagType::kVideo, 1040, VideoFrame(false)},
          {FlvTagType::kAudio, 1046, AudioFrame()},
          {FlvTagType::kVideo, 1080, VideoFrame(false)},
          {FlvTagType::kVideo, 1120, VideoFrame(true)},
          {FlvTagType::kVideo, 1160, VideoFrame(false)}};
}

TEST(MemoryFlvTest, RebasesTimestampsAndMarksKeyframesAndSequenceHeaders) {
  TempFlv file(FlvBytes(SmallFile()));
  auto flv = MemoryFlv::Load(file.path());
  ASSERT_TRUE(flv.has_value()) << flv.error().ToString();
  const auto& tags = flv->tags();
  ASSERT_EQ(tags.size(), 11u);
  EXPECT_EQ(tags[0].type, FlvTagType::kScriptData);
  EXPECT_EQ(tags[0].timestamp_ms, 0);
  EXPECT_TRUE(tags[1].sequence_header);
  EXPECT_TRUE(tags[2].sequence_header);
  EXPECT_FALSE(tags[3].sequence_header);
  EXPECT_TRUE(tags[3].keyframe);
  EXPECT_FALSE(tags[6].keyframe);
  EXPECT_TRUE(tags[9].keyframe);
  EXPECT_EQ(tags[5].timestamp_ms, 23);
  EXPECT_EQ(tags[10].timestamp_ms, 160);
  // The body views point at the file's bytes.
  auto body = flv->Body(tags[1]);
  Bytes expected = VideoSequenceHeader();
  EXPECT_EQ(Bytes(body.begin(), body.end()), expected);
}

TEST(MemoryFlvTest, LoopDurationIsTheLastTimestampPlusTheMedianFrameInterval) {
  TempFlv file(FlvBytes(SmallFile()));
  auto flv = MemoryFlv::Load(file.path());
  ASSERT_TRUE(flv.has_value());
  EXPECT_EQ(flv->loop_duration_ms(), 160 + 40);
  // Media bytes: audio and video bodies, not the script tag.
  uint64_t media = VideoSequenceHeader().size() + AudioSequenceHeader().size() + 5 * 300 + 3 * 50;
  EXPECT_EQ(flv->media_bytes(), media);
}

TEST(MemoryFlvTest, AudioOnlyFileLoopsWithTheDefaultFrame) {
  TempFlv file(FlvBytes({{FlvTagType::kAudio, 0, AudioSequenceHeader()},
                         {FlvTagType::kAudio, 0, AudioFrame()},
                         {FlvTagType::kAudio, 23, AudioFrame()}}));
  auto flv = MemoryFlv::Load(file.path());
  ASSERT_TRUE(flv.has_value());
  EXPECT_EQ(flv->loop_duration_ms(), 23 + 40);
}

TEST(MemoryFlvTest, RejectsFilesWithoutMediaMissingOrMalformed) {
  TempFlv script_only(FlvBytes({{FlvTagType::kScriptData, 0, Metadata()}}));
  auto a = MemoryFlv::Load(script_only.path());
  ASSERT_FALSE(a.has_value());
  EXPECT_NE(a.error().ToString().find("no audio or video"), std::string::npos);

  auto b = MemoryFlv::Load(script_only.path() + ".missing");
  ASSERT_FALSE(b.has_value());
  EXPECT_NE(b.error().ToString().find("cannot open"), std::string::npos);

  TempFlv not_flv(Bytes{'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E', 0, 0, 0, 0});
  EXPECT_FALSE(MemoryFlv::Load(not_flv.path()).has_value());
}

}  // namespace
}  // namespace liverec::loadpub
