// Test-only: a strict reader of the transport streams liverec's muxer writes, independent of
// libavformat: checks sync bytes, adaptation field lengths and continuity counters per PID
// (ISO/IEC 13818-1 §2.4.3.3: +1 per packet with payload, unchanged without), and reassembles
// the PES packets with their timestamps, flags and payload. Header-only; *_test.cc only.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

namespace liverec::media::ts::test_support {

struct ParsedPes {
  int pid = 0;
  int stream_id = 0;
  int64_t pts = 0;
  std::optional<int64_t> dts;
  bool random_access = false;
  std::optional<int64_t> pcr;  // PCR base of the first packet
  int length_field = 0;        // PES_packet_length
  std::vector<uint8_t> payload;
};

struct ParsedTs {
  std::vector<ParsedPes> pes;
  std::vector<int> pids;                       // of every packet, in order
  std::vector<int64_t> pcrs;                   // every PCR, in order
  std::vector<std::vector<uint8_t>> sections;  // PSI sections (PID 0 and 0x1000), pointer 0
};

inline int64_t ReadTimestamp(const uint8_t* p) {
  return (int64_t{(p[0] >> 1) & 0x07} << 30) | (int64_t{p[1]} << 22) | (int64_t{p[2] >> 1} << 15) |
         (int64_t{p[3]} << 7) | (p[4] >> 1);
}

// Fails the running test (and returns what it has) at the first violation.
inline ParsedTs ParseTs(std::span<const uint8_t> ts) {
  ParsedTs out;
  std::map<int, int> counters;
  std::map<int, size_t> open;  // pid -> index into out.pes
  EXPECT_EQ(ts.size() % 188, 0u);
  for (size_t at = 0; at + 188 <= ts.size(); at += 188) {
    const uint8_t* p = ts.data() + at;
    EXPECT_EQ(p[0], 0x47) << "sync byte of packet " << at / 188;
    if (p[0] != 0x47) return out;
    const int pid = ((p[1] & 0x1f) << 8) | p[2];
    const bool start = (p[1] & 0x40) != 0;
    const int afc = (p[3] >> 4) & 3;
    const int cc = p[3] & 0x0f;
    out.pids.push_back(pid);
    const bool payload = (afc & 1) != 0;
    if (counters.count(pid)) {
      const int expected = payload ? (counters[pid] + 1) & 0x0f : counters[pid];
      EXPECT_EQ(cc, expected) << "continuity counter of PID " << pid << " at " << at / 188;
    }
    counters[pid] = cc;
    size_t pos = 4;
    bool random_access = false;
    std::optional<int64_t> pcr;
    if (afc & 2) {
      const size_t length = p[4];
      if (payload) {
        EXPECT_LE(length, 182u) << "adaptation_field_length at " << at / 188;
      } else {
        EXPECT_EQ(length, 183u) << "an adaptation-only packet fills the packet";
      }
      if (length > 0) {
        random_access = (p[5] & 0x40) != 0;
        if (p[5] & 0x10) {
          pcr = (int64_t{p[6]} << 25) | (int64_t{p[7]} << 17) | (int64_t{p[8]} << 9) |
                (int64_t{p[9]} << 1) | (p[10] >> 7);
          out.pcrs.push_back(*pcr);
        }
      }
      pos = 5 + length;
    }
    if (!payload) continue;
    if (pid == 0 || pid == 0x1000) {
      EXPECT_TRUE(start);
      EXPECT_EQ(p[pos], 0) << "pointer_field";
      const uint8_t* s = p + pos + 1;
      const size_t length = 3 + (((s[1] & 0x0f) << 8) | s[2]);
      out.sections.emplace_back(s, s + length);
      continue;
    }
    if (start) {
      const uint8_t* h = p + pos;
      EXPECT_TRUE(h[0] == 0 && h[1] == 0 && h[2] == 1) << "PES start code at " << at / 188;
      ParsedPes pes;
      pes.pid = pid;
      pes.stream_id = h[3];
      pes.length_field = (h[4] << 8) | h[5];
      pes.pts = ReadTimestamp(h + 9);
      if (h[7] & 0x40) pes.dts = ReadTimestamp(h + 14);
      pes.random_access = random_access;
      pes.pcr = pcr;
      pos += 9 + h[8];
      open[pid] = out.pes.size();
      out.pes.push_back(std::move(pes));
    }
    EXPECT_TRUE(open.count(pid)) << "payload before the first PES start on PID " << pid;
    if (!open.count(pid)) continue;
    auto& target = out.pes[open[pid]].payload;
    target.insert(target.end(), p + pos, p + 188);
  }
  return out;
}

}  // namespace liverec::media::ts::test_support
