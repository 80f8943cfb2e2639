#include "media/ts/annexb_framing.h"

#include <gtest/gtest.h>

#include <iterator>

#include "media/flv/flv_test_vectors.h"

namespace liverec::media::ts {
namespace {

CodecConfig AvcConfig() {
  CodecConfig config;
  config.codec = CodecId::kH264;
  config.extradata.assign(std::begin(flv::testdata::kAvc720pTag) + 5,
                          std::end(flv::testdata::kAvc720pTag));
  return config;
}

CodecConfig HevcConfig() {
  CodecConfig config;
  config.codec = CodecId::kHevc;
  config.extradata.assign(std::begin(flv::testdata::kHevc720pRecord),
                          std::end(flv::testdata::kHevc720pRecord));
  return config;
}

std::vector<uint8_t> Joined(const std::vector<std::span<const uint8_t>>& pieces) {
  std::vector<uint8_t> out;
  for (const auto& piece : pieces) out.insert(out.end(), piece.begin(), piece.end());
  return out;
}

// Length-prefixed NAL units, as MediaPacket carries them.
std::vector<uint8_t> Nals(const std::vector<std::vector<uint8_t>>& units) {
  std::vector<uint8_t> out;
  for (const auto& unit : units) {
    const size_t n = unit.size();
    out.insert(out.end(), {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                           static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
    out.insert(out.end(), unit.begin(), unit.end());
  }
  return out;
}

std::vector<uint8_t> Cat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

const std::vector<uint8_t> kSc = {0, 0, 0, 1};
const std::vector<uint8_t> kH264Aud = {0, 0, 0, 1, 0x09, 0xf0};

TEST(AnnexbFramingTest, AvcRecordGivesItsSpsAndPpsWithStartCodes) {
  auto framing = AnnexbFraming::Create(AvcConfig());
  ASSERT_TRUE(framing.has_value()) << framing.error().ToString();
  const auto& tag = flv::testdata::kAvc720pTag;
  const std::vector<uint8_t> sps(tag + 13, tag + 13 + 26);
  const std::vector<uint8_t> pps(tag + 42, tag + 42 + 6);
  EXPECT_EQ(framing->parameter_sets(), Cat({kSc, sps, kSc, pps}));
}

TEST(AnnexbFramingTest, KeyframeGetsDelimiterThenParameterSets) {
  auto framing = AnnexbFraming::Create(AvcConfig());
  ASSERT_TRUE(framing.has_value());
  const std::vector<uint8_t> sei = {0x06, 0x05, 0x01, 0x80};
  const std::vector<uint8_t> idr = {0x65, 0x88, 0x84, 0x00, 0x11};
  const auto data = Nals({sei, idr});
  std::vector<std::span<const uint8_t>> pieces;
  ASSERT_TRUE(framing->Frame(data, true, pieces).ok());
  EXPECT_EQ(Joined(pieces), Cat({kH264Aud, framing->parameter_sets(), kSc, sei, kSc, idr}));
  // The media is not copied: the NAL pieces point into the packet.
  EXPECT_EQ(pieces.back().data(), data.data() + data.size() - idr.size());
}

TEST(AnnexbFramingTest, InterFrameGetsOnlyTheDelimiter) {
  auto framing = AnnexbFraming::Create(AvcConfig());
  ASSERT_TRUE(framing.has_value());
  const std::vector<uint8_t> slice = {0x41, 0x9a, 0x02};
  std::vector<std::span<const uint8_t>> pieces;
  const auto nals1 = Nals({slice});
  ASSERT_TRUE(framing->Frame(nals1, false, pieces).ok());
  EXPECT_EQ(Joined(pieces), Cat({kH264Aud, kSc, slice}));
}

TEST(AnnexbFramingTest, InBandDelimiterAndParameterSetsAreNotRepeated) {
  auto framing = AnnexbFraming::Create(AvcConfig());
  ASSERT_TRUE(framing.has_value());
  const std::vector<uint8_t> aud = {0x09, 0x10};
  const std::vector<uint8_t> sps = {0x67, 0x42, 0x00, 0x1e};
  const std::vector<uint8_t> pps = {0x68, 0xce};
  const std::vector<uint8_t> idr = {0x65, 0x01};
  std::vector<std::span<const uint8_t>> pieces;
  const auto nals2 = Nals({aud, sps, pps, idr});
  ASSERT_TRUE(framing->Frame(nals2, true, pieces).ok());
  EXPECT_EQ(Joined(pieces), Cat({kSc, aud, kSc, sps, kSc, pps, kSc, idr}));
  // An own delimiter but no parameter sets: they go right after it.
  const auto nals3 = Nals({aud, idr});
  ASSERT_TRUE(framing->Frame(nals3, true, pieces).ok());
  EXPECT_EQ(Joined(pieces), Cat({kSc, aud, framing->parameter_sets(), kSc, idr}));
}

TEST(AnnexbFramingTest, EmptyNalUnitsAreDropped) {
  auto framing = AnnexbFraming::Create(AvcConfig());
  ASSERT_TRUE(framing.has_value());
  const std::vector<uint8_t> slice = {0x41, 0x9a};
  std::vector<std::span<const uint8_t>> pieces;
  const auto nals4 = Nals({{}, slice, {}});
  ASSERT_TRUE(framing->Frame(nals4, false, pieces).ok());
  EXPECT_EQ(Joined(pieces), Cat({kH264Aud, kSc, slice}));
}

TEST(AnnexbFramingTest, LengthsThatDoNotTileThePacketAreMalformed) {
  auto framing = AnnexbFraming::Create(AvcConfig());
  ASSERT_TRUE(framing.has_value());
  std::vector<std::span<const uint8_t>> pieces;
  const std::vector<uint8_t> past_end = {0, 0, 0, 9, 0x41, 0x9a};
  EXPECT_EQ(framing->Frame(past_end, false, pieces).code(), ErrorCode::kMediaMalformed);
  const std::vector<uint8_t> short_prefix = {0, 0, 0, 1, 0x41, 0, 0};
  EXPECT_EQ(framing->Frame(short_prefix, false, pieces).code(), ErrorCode::kMediaMalformed);
}

TEST(AnnexbFramingTest, HevcUsesItsOwnDelimiterAndAllRecordArrays) {
  auto framing = AnnexbFraming::Create(HevcConfig());
  ASSERT_TRUE(framing.has_value()) << framing.error().ToString();
  EXPECT_EQ(framing->parameter_sets().size(), 3 * 4 + 24 + 43 + 7u);  // VPS, SPS, PPS
  const std::vector<uint8_t> idr = {0x26, 0x01, 0xaf};                // IDR_W_RADL
  std::vector<std::span<const uint8_t>> pieces;
  const auto nals5 = Nals({idr});
  ASSERT_TRUE(framing->Frame(nals5, true, pieces).ok());
  const std::vector<uint8_t> aud = {0, 0, 0, 1, 0x46, 0x01, 0x50};
  EXPECT_EQ(Joined(pieces), Cat({aud, framing->parameter_sets(), kSc, idr}));
  const std::vector<uint8_t> vps = {0x40, 0x01, 0x0c};
  const auto nals6 = Nals({vps, idr});
  ASSERT_TRUE(framing->Frame(nals6, true, pieces).ok());
  EXPECT_EQ(Joined(pieces), Cat({aud, kSc, vps, kSc, idr}));
}

TEST(AnnexbFramingTest, UnreadableRecordsAreMuxerFailures) {
  CodecConfig config = AvcConfig();
  config.extradata.resize(10);
  EXPECT_EQ(AnnexbFraming::Create(config).error().code(), ErrorCode::kMuxerFailure);
  config.extradata = {0x01, 0x64, 0x00, 0x1f, 0xff, 0xe0, 0x00};  // no SPS
  EXPECT_EQ(AnnexbFraming::Create(config).error().code(), ErrorCode::kMuxerFailure);
  CodecConfig hevc = HevcConfig();
  hevc.extradata.resize(40);
  EXPECT_EQ(AnnexbFraming::Create(hevc).error().code(), ErrorCode::kMuxerFailure);
  CodecConfig aac;
  aac.codec = CodecId::kAac;
  EXPECT_EQ(AnnexbFraming::Create(aac).error().code(), ErrorCode::kMediaUnsupported);
}

}  // namespace
}  // namespace liverec::media::ts
