// The MPEG-TS packet layer (ISO/IEC 13818-1 §2.4.3) of liverec's own TS muxer: PAT and PMT
// sections (§2.4.4.3, §2.4.4.8) with their CRC, and PES packets (§2.4.3.6) cut into 188-byte
// transport packets with continuity counters, PCR and random-access flags in the adaptation
// field (§2.4.3.4), and adaptation-field stuffing to fill the last packet. Everything is
// appended to a caller's byte vector; the PES payload comes as a gather list, so the media is
// copied once, from where it was received into the output. Sans-I/O; thread-safety: none (one
// muxer owns one TsPacketWriter).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/default_init_allocator.h"

namespace liverec::media::ts {

inline constexpr size_t kTsPacketSize = 188;
inline constexpr uint16_t kPatPid = 0x0000;
inline constexpr uint16_t kPmtPid = 0x1000;  // as libavformat's muxer numbers them
inline constexpr uint16_t kVideoPid = 0x0100;
inline constexpr uint16_t kAudioPid = 0x0101;

// Elementary stream types of the PMT (ISO/IEC 13818-1 Table 2-34).
inline constexpr uint8_t kStreamTypeMpeg1Audio =
    0x03;  // MP3 at 32–48 kHz (as libavformat types it)
inline constexpr uint8_t kStreamTypeMpeg2Audio = 0x04;  // MP3 at 16–24 kHz
inline constexpr uint8_t kStreamTypeAdtsAac = 0x0f;
inline constexpr uint8_t kStreamTypeH264 = 0x1b;
inline constexpr uint8_t kStreamTypeHevc = 0x24;

struct ElementaryStream {
  uint16_t pid = 0;
  uint8_t stream_type = 0;
};

// One PES packet: its timestamps in 90 kHz units (written modulo 2^33) and flags.
struct PesPacket {
  uint16_t pid = 0;
  uint8_t stream_id = 0;  // 0xe0 video, 0xc0 audio
  int64_t pts = 0;
  std::optional<int64_t> dts;  // written only when it differs from pts
  bool bounded = false;        // PES_packet_length set (audio); 0 = unbounded (video)
  bool random_access = false;  // random_access_indicator in the first TS packet
  std::optional<int64_t> pcr;  // PCR (90 kHz base) in the first TS packet
  // The payload: the concatenation of these pieces.
  std::span<const std::span<const uint8_t>> payload;
};

class TsPacketWriter {
 public:
  // `streams`: one or two elementary streams; `pcr_pid` one of theirs.
  TsPacketWriter(std::vector<ElementaryStream> streams, uint16_t pcr_pid);

  uint16_t pcr_pid() const { return pcr_pid_; }

  // Appends a PAT and a PMT, one TS packet each.
  void WriteTables(UninitBytes& out);
  // Appends the TS packets of one PES packet.
  void WritePes(const PesPacket& pes, UninitBytes& out);
  // Appends an adaptation-field-only packet on the PCR PID that carries `pcr` (90 kHz).
  void WritePcrOnly(int64_t pcr, UninitBytes& out);

 private:
  uint8_t* CounterOf(uint16_t pid);
  uint8_t NextCounter(uint16_t pid);  // the counter for the next packet with payload
  void WriteSection(uint16_t pid, std::span<const uint8_t> section, UninitBytes& out);

  std::vector<ElementaryStream> streams_;
  uint16_t pcr_pid_;
  uint8_t pat_cc_ = 0;
  uint8_t pmt_cc_ = 0;
  std::vector<uint8_t> stream_cc_;  // per entry of streams_
};

}  // namespace liverec::media::ts
