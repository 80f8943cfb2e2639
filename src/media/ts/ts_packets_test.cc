#include "media/ts/ts_packets.h"

#include <gtest/gtest.h>

#include <random>

#include "media/ts/ts_test_parse.h"

namespace liverec::media::ts {
namespace {

using test_support::ParseTs;

TsPacketWriter AvWriter() {
  return TsPacketWriter({{kVideoPid, kStreamTypeH264}, {kAudioPid, kStreamTypeAdtsAac}}, kVideoPid);
}

TEST(TsPacketWriterTest, PatIsByteForByteWhatLibavformatWrites) {
  TsPacketWriter writer = AvWriter();
  UninitBytes out;
  writer.WriteTables(out);
  ASSERT_EQ(out.size(), 2 * kTsPacketSize);
  // The PAT packet of `ffmpeg -f mpegts` (program 1, PMT on 0x1000), its CRC_32 included.
  const std::vector<uint8_t> pat = {0x47, 0x40, 0x00, 0x10, 0x00, 0x00, 0xb0,
                                    0x0d, 0x00, 0x01, 0xc1, 0x00, 0x00, 0x00,
                                    0x01, 0xf0, 0x00, 0x2a, 0xb1, 0x04, 0xb2};
  EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + pat.size()), pat);
  for (size_t i = pat.size(); i < kTsPacketSize; ++i) ASSERT_EQ(out[i], 0xff) << i;
}

TEST(TsPacketWriterTest, PmtListsTheStreamsAndThePcrPid) {
  TsPacketWriter writer = AvWriter();
  UninitBytes out;
  writer.WriteTables(out);
  const auto parsed = ParseTs(out);
  ASSERT_EQ(parsed.sections.size(), 2u);
  const std::vector<uint8_t>& pmt = parsed.sections[1];
  ASSERT_EQ(pmt.size(), 3u + 9 + 10 + 4);
  EXPECT_EQ(pmt[0], 0x02);
  EXPECT_EQ(((pmt[8] & 0x1f) << 8) | pmt[9], kVideoPid);  // PCR_PID
  EXPECT_EQ(pmt[12], kStreamTypeH264);
  EXPECT_EQ(((pmt[13] & 0x1f) << 8) | pmt[14], kVideoPid);
  EXPECT_EQ(pmt[17], kStreamTypeAdtsAac);
  EXPECT_EQ(((pmt[18] & 0x1f) << 8) | pmt[19], kAudioPid);
}

TEST(TsPacketWriterTest, EveryPayloadSizeFillsWholePacketsAndComesBackIntact) {
  TsPacketWriter writer = AvWriter();
  UninitBytes out;
  std::vector<std::vector<uint8_t>> payloads;
  std::mt19937 random(7);
  for (size_t size = 0; size < 600; ++size) {
    std::vector<uint8_t> payload(size);
    for (auto& b : payload) b = static_cast<uint8_t>(random());
    payloads.push_back(payload);
    // Split into up to three pieces to exercise the gather list.
    const size_t a = size / 3;
    const size_t b = size - size / 5;
    const std::span<const uint8_t> all(payloads.back());
    const std::vector<std::span<const uint8_t>> pieces = {all.subspan(0, a), all.subspan(a, b - a),
                                                          all.subspan(b)};
    PesPacket pes;
    pes.pid = size % 2 ? kAudioPid : kVideoPid;
    pes.stream_id = size % 2 ? 0xc0 : 0xe0;
    pes.pts = static_cast<int64_t>(size) * 3000 + 9000;
    pes.dts = size % 3 ? std::optional<int64_t>(static_cast<int64_t>(size) * 3000) : std::nullopt;
    pes.bounded = size % 2 == 1;
    pes.random_access = size % 4 == 0;
    if (size % 5 == 0) pes.pcr = static_cast<int64_t>(size) * 3000;
    pes.payload = pieces;
    writer.WritePes(pes, out);
  }
  const auto parsed = ParseTs(out);
  ASSERT_EQ(parsed.pes.size(), payloads.size());
  for (size_t size = 0; size < payloads.size(); ++size) {
    const auto& pes = parsed.pes[size];
    ASSERT_EQ(pes.payload, payloads[size]) << "payload of " << size << " bytes";
    EXPECT_EQ(pes.pts, static_cast<int64_t>(size) * 3000 + 9000);
    EXPECT_EQ(pes.dts.has_value(), size % 3 != 0);
    EXPECT_EQ(pes.random_access, size % 4 == 0) << size;
    EXPECT_EQ(pes.pcr.has_value(), size % 5 == 0) << size;
    const int header = pes.dts ? 13 : 8;
    EXPECT_EQ(pes.length_field, size % 2 ? header + static_cast<int>(size) : 0) << size;
  }
}

TEST(TsPacketWriterTest, TimestampsWrapAt33Bits) {
  TsPacketWriter writer = AvWriter();
  UninitBytes out;
  const std::vector<uint8_t> payload = {1, 2, 3};
  const std::vector<std::span<const uint8_t>> pieces = {payload};
  const int64_t wrap = int64_t{1} << 33;
  writer.WritePes({kVideoPid, 0xe0, wrap + 5, wrap + 2, false, true, wrap + 1, pieces}, out);
  const auto parsed = ParseTs(out);
  ASSERT_EQ(parsed.pes.size(), 1u);
  EXPECT_EQ(parsed.pes[0].pts, 5);
  EXPECT_EQ(parsed.pes[0].dts, 2);
  EXPECT_EQ(parsed.pes[0].pcr, 1);
}

TEST(TsPacketWriterTest, PcrOnlyPacketKeepsTheContinuityCounter) {
  TsPacketWriter writer = AvWriter();
  UninitBytes out;
  const std::vector<uint8_t> payload(500, 0xab);
  const std::vector<std::span<const uint8_t>> pieces = {payload};
  for (int i = 0; i < 20; ++i) {
    writer.WritePes({kVideoPid, 0xe0, i * 3600, std::nullopt, false, false, std::nullopt, pieces},
                    out);
    writer.WritePcrOnly(i * 3600 + 100, out);
  }
  const auto parsed = ParseTs(out);  // checks the counters, 20 wraps of 16 included
  EXPECT_EQ(parsed.pes.size(), 20u);
  ASSERT_EQ(parsed.pcrs.size(), 20u);
  EXPECT_EQ(parsed.pcrs.back(), 19 * 3600 + 100);
}

}  // namespace
}  // namespace liverec::media::ts
