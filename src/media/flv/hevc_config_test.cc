#include "media/flv/hevc_config.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "media/flv/flv_test_vectors.h"

namespace liverec::media::flv {
namespace {

TEST(HevcConfigTest, MainProfile720p) {
  auto info = ParseHevcDecoderConfig(testdata::kHevc720pRecord);
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->nal_length_size, 4);
  EXPECT_EQ(info->size, (PictureSize{1280, 720}));
}

TEST(HevcConfigTest, ConformanceWindowCropsTo1080) {
  auto info = ParseHevcDecoderConfig(testdata::kHevc1080pRecord);
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->size, (PictureSize{1920, 1080}));
}

TEST(HevcConfigTest, SkipsSubLayerProfileTierLevel) {
  auto info = ParseHevcDecoderConfig(testdata::kHevc360pSubLayersRecord);
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->size, (PictureSize{640, 360}));
}

TEST(HevcConfigTest, EveryTruncatedPrefixIsMalformed) {
  for (auto record : {std::span<const uint8_t>(testdata::kHevc720pRecord),
                      std::span<const uint8_t>(testdata::kHevc1080pRecord),
                      std::span<const uint8_t>(testdata::kHevc360pSubLayersRecord)}) {
    for (size_t n = 0; n < record.size(); ++n) {
      auto info = ParseHevcDecoderConfig(record.first(n));
      ASSERT_FALSE(info.has_value()) << "prefix " << n;
      EXPECT_EQ(info.error().code(), ErrorCode::kMediaMalformed);
    }
  }
}

TEST(HevcConfigTest, RecordWithoutSpsIsMalformed) {
  std::vector<uint8_t> record(testdata::kHevc720pRecord, testdata::kHevc720pRecord + 22);
  record.push_back(0);  // numOfArrays
  auto info = ParseHevcDecoderConfig(record);
  ASSERT_FALSE(info.has_value());
  EXPECT_EQ(info.error().code(), ErrorCode::kMediaMalformed);
}

}  // namespace
}  // namespace liverec::media::flv
