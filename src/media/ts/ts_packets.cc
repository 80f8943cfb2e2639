#include "media/ts/ts_packets.h"

#include <algorithm>
#include <array>
#include <cstring>

extern "C" {
#include <libavutil/crc.h>
}

namespace liverec::media::ts {
namespace {

constexpr uint8_t kSyncByte = 0x47;
constexpr size_t kHeaderSize = 4;
constexpr size_t kPayloadSpace = kTsPacketSize - kHeaderSize;  // 184
constexpr int64_t kTimestampMask = (int64_t{1} << 33) - 1;
constexpr uint8_t kAfRandomAccess = 0x40;
constexpr uint8_t kAfPcr = 0x10;
constexpr size_t kPcrSize = 6;
constexpr uint16_t kProgramNumber = 1;
constexpr uint16_t kTransportStreamId = 1;

// Appends one 188-byte packet and returns a pointer to it.
uint8_t* AppendPacket(UninitBytes& out) {
  const size_t at = out.size();
  out.resize(at + kTsPacketSize);
  return out.data() + at;
}

// The 4-byte header (§2.4.3.2). adaptation_field_control: 1 payload, 2 adaptation, 3 both.
void PutHeader(uint8_t* p, uint16_t pid, bool unit_start, int afc, uint8_t cc) {
  p[0] = kSyncByte;
  p[1] = static_cast<uint8_t>((unit_start ? 0x40 : 0x00) | ((pid >> 8) & 0x1f));
  p[2] = static_cast<uint8_t>(pid & 0xff);
  p[3] = static_cast<uint8_t>((afc << 4) | (cc & 0x0f));
}

// program_clock_reference_base (33 bits), 6 reserved bits, extension 0 (§2.4.3.5).
void PutPcr(uint8_t* p, int64_t pcr90) {
  const uint64_t base = static_cast<uint64_t>(pcr90 & kTimestampMask);
  p[0] = static_cast<uint8_t>(base >> 25);
  p[1] = static_cast<uint8_t>(base >> 17);
  p[2] = static_cast<uint8_t>(base >> 9);
  p[3] = static_cast<uint8_t>(base >> 1);
  p[4] = static_cast<uint8_t>(((base & 1) << 7) | 0x7e);
  p[5] = 0x00;
}

// A PTS or DTS field (§2.4.3.7): 4-bit prefix, 33 bits with marker bits.
void PutTimestamp(uint8_t* p, uint8_t prefix, int64_t ts90) {
  const uint64_t v = static_cast<uint64_t>(ts90 & kTimestampMask);
  p[0] = static_cast<uint8_t>((prefix << 4) | ((v >> 29) & 0x0e) | 0x01);
  p[1] = static_cast<uint8_t>(v >> 22);
  p[2] = static_cast<uint8_t>(((v >> 14) & 0xfe) | 0x01);
  p[3] = static_cast<uint8_t>(v >> 7);
  p[4] = static_cast<uint8_t>(((v << 1) & 0xfe) | 0x01);
}

// The PES header (§2.4.3.6, Table 2-21) into `h`; returns its size (9 + 5 or 10).
size_t PutPesHeader(uint8_t* h, const PesPacket& pes, size_t payload_size) {
  const bool with_dts = pes.dts && *pes.dts != pes.pts;
  const size_t header_data = with_dts ? 10 : 5;
  h[0] = 0x00;
  h[1] = 0x00;
  h[2] = 0x01;
  h[3] = pes.stream_id;
  const size_t length = 3 + header_data + payload_size;  // bytes after PES_packet_length
  const size_t field = pes.bounded && length <= 0xffff ? length : 0;
  h[4] = static_cast<uint8_t>(field >> 8);
  h[5] = static_cast<uint8_t>(field & 0xff);
  h[6] = 0x80;  // '10', not scrambled, no priority, no alignment flag, no copyright, copy
  h[7] = with_dts ? 0xc0 : 0x80;  // PTS_DTS_flags
  h[8] = static_cast<uint8_t>(header_data);
  PutTimestamp(h + 9, with_dts ? 0x3 : 0x2, pes.pts);
  if (with_dts) PutTimestamp(h + 14, 0x1, *pes.dts);
  return 9 + header_data;
}

// Copies bytes out of a gather list, in order.
class GatherCursor {
 public:
  explicit GatherCursor(std::span<const std::span<const uint8_t>> pieces) : pieces_(pieces) {}
  void CopyTo(uint8_t* dst, size_t n) {
    while (n > 0) {
      const std::span<const uint8_t> piece = pieces_[index_];
      const size_t take = std::min(n, piece.size() - offset_);
      if (take > 0) std::memcpy(dst, piece.data() + offset_, take);
      dst += take;
      n -= take;
      offset_ += take;
      if (offset_ == piece.size()) {
        ++index_;
        offset_ = 0;
      }
    }
  }

 private:
  std::span<const std::span<const uint8_t>> pieces_;
  size_t index_ = 0;
  size_t offset_ = 0;
};

}  // namespace

TsPacketWriter::TsPacketWriter(std::vector<ElementaryStream> streams, uint16_t pcr_pid)
    : streams_(std::move(streams)), pcr_pid_(pcr_pid), stream_cc_(streams_.size(), 0) {}

uint8_t* TsPacketWriter::CounterOf(uint16_t pid) {
  if (pid == kPatPid) return &pat_cc_;
  if (pid == kPmtPid) return &pmt_cc_;
  for (size_t i = 0; i < streams_.size(); ++i) {
    if (streams_[i].pid == pid) return &stream_cc_[i];
  }
  return nullptr;  // not reached: every PID written is one of the above
}

uint8_t TsPacketWriter::NextCounter(uint16_t pid) {
  uint8_t* counter = CounterOf(pid);
  const uint8_t value = *counter;
  *counter = static_cast<uint8_t>((value + 1) & 0x0f);
  return value;
}

// A PSI section in one packet: pointer_field 0, the section, its CRC_32 (Annex A: the MPEG-2
// CRC, polynomial 0x04c11db7, no reflection), 0xff after it.
void TsPacketWriter::WriteSection(uint16_t pid, std::span<const uint8_t> section,
                                  UninitBytes& out) {
  uint8_t* p = AppendPacket(out);
  PutHeader(p, pid, true, 1, NextCounter(pid));
  p[4] = 0x00;
  std::memcpy(p + 5, section.data(), section.size());
  // libavutil's AV_CRC_32_IEEE table gives the CRC byte-swapped: its low byte is the first.
  const uint32_t crc =
      av_crc(av_crc_get_table(AV_CRC_32_IEEE), UINT32_MAX, section.data(), section.size());
  uint8_t* c = p + 5 + section.size();
  c[0] = static_cast<uint8_t>(crc);
  c[1] = static_cast<uint8_t>(crc >> 8);
  c[2] = static_cast<uint8_t>(crc >> 16);
  c[3] = static_cast<uint8_t>(crc >> 24);
  std::memset(c + 4, 0xff, kTsPacketSize - (c + 4 - p));
}

void TsPacketWriter::WriteTables(UninitBytes& out) {
  // PAT (§2.4.4.3): one program, its PMT on kPmtPid. section_length counts from after the
  // length field to the end of the CRC.
  const std::array<uint8_t, 12> pat = {0x00,
                                       0xb0,
                                       0x0d,
                                       kTransportStreamId >> 8,
                                       kTransportStreamId & 0xff,
                                       0xc1,
                                       0x00,
                                       0x00,
                                       kProgramNumber >> 8,
                                       kProgramNumber & 0xff,
                                       0xe0 | (kPmtPid >> 8),
                                       kPmtPid & 0xff};
  WriteSection(kPatPid, pat, out);
  // PMT (§2.4.4.8): the PCR PID, no program descriptors, one entry per elementary stream.
  std::array<uint8_t, 12 + 2 * 5> pmt{};
  const size_t size = 12 + 5 * streams_.size();
  const size_t section_length = size - 3 + 4;
  pmt[0] = 0x02;
  pmt[1] = static_cast<uint8_t>(0xb0 | (section_length >> 8));
  pmt[2] = static_cast<uint8_t>(section_length & 0xff);
  pmt[3] = kProgramNumber >> 8;
  pmt[4] = kProgramNumber & 0xff;
  pmt[5] = 0xc1;  // version 0, current_next_indicator 1
  pmt[6] = 0x00;
  pmt[7] = 0x00;
  pmt[8] = static_cast<uint8_t>(0xe0 | (pcr_pid_ >> 8));
  pmt[9] = static_cast<uint8_t>(pcr_pid_ & 0xff);
  pmt[10] = 0xf0;  // program_info_length 0
  pmt[11] = 0x00;
  for (size_t i = 0; i < streams_.size(); ++i) {
    uint8_t* e = pmt.data() + 12 + 5 * i;
    e[0] = streams_[i].stream_type;
    e[1] = static_cast<uint8_t>(0xe0 | (streams_[i].pid >> 8));
    e[2] = static_cast<uint8_t>(streams_[i].pid & 0xff);
    e[3] = 0xf0;  // ES_info_length 0
    e[4] = 0x00;
  }
  WriteSection(kPmtPid, std::span<const uint8_t>(pmt.data(), size), out);
}

void TsPacketWriter::WritePcrOnly(int64_t pcr, UninitBytes& out) {
  uint8_t* p = AppendPacket(out);
  // No payload: the continuity counter does not advance (§2.4.3.3); the last one is repeated.
  const uint8_t last = static_cast<uint8_t>((*CounterOf(pcr_pid_) + 15) & 0x0f);
  PutHeader(p, pcr_pid_, false, 2, last);
  p[4] = static_cast<uint8_t>(kPayloadSpace - 1);
  p[5] = kAfPcr;
  PutPcr(p + 6, pcr);
  std::memset(p + 6 + kPcrSize, 0xff, kTsPacketSize - 6 - kPcrSize);
}

void TsPacketWriter::WritePes(const PesPacket& pes, UninitBytes& out) {
  size_t payload_size = 0;
  for (const auto& piece : pes.payload) payload_size += piece.size();
  std::array<uint8_t, 19> header{};
  const size_t header_size = PutPesHeader(header.data(), pes, payload_size);
  const std::array<std::span<const uint8_t>, 1> header_piece = {
      std::span<const uint8_t>(header.data(), header_size)};
  GatherCursor header_cursor(header_piece);
  GatherCursor payload_cursor(pes.payload);
  size_t header_left = header_size;
  size_t payload_left = payload_size;
  // The first packet's adaptation field content before any stuffing: flags and PCR.
  const bool first_af = pes.random_access || pes.pcr.has_value();
  const uint8_t first_flags =
      static_cast<uint8_t>((pes.random_access ? kAfRandomAccess : 0) | (pes.pcr ? kAfPcr : 0));
  const size_t first_af_content = first_af ? 1 + (pes.pcr ? kPcrSize : 0) : 0;
  // The packets, grown once per PES and without a zero fill (UninitBytes): every byte is
  // written below (growing per packet, zero-filled, cost ~2 % of the recording path's CPU,
  // docs/benchmarks.md Run 5).
  const size_t first_space = kPayloadSpace - (first_af ? 1 + first_af_content : 0);
  const size_t total = header_size + payload_size;
  const size_t packets =
      total <= first_space ? 1 : 1 + (total - first_space + kPayloadSpace - 1) / kPayloadSpace;
  const size_t at = out.size();
  out.resize(at + packets * kTsPacketSize);
  uint8_t* next = out.data() + at;
  bool first = true;
  while (first || payload_left > 0 || header_left > 0) {
    // The count above is exact (ts_packets_test); growing here only guards memory safety.
    if (next == out.data() + out.size()) next = AppendPacket(out);
    uint8_t* p = next;
    next += kTsPacketSize;
    size_t af_content = first ? first_af_content : 0;
    uint8_t af_flags = first ? first_flags : 0;
    const size_t left = header_left + payload_left;
    size_t af_total = af_content > 0 ? 1 + af_content : 0;  // with the length byte
    if (left < kPayloadSpace - af_total) {
      af_total = kPayloadSpace - left;  // stuffing fills the rest
    }
    const size_t carry = kPayloadSpace - af_total;
    PutHeader(p, pes.pid, first, af_total > 0 ? 3 : 1, NextCounter(pes.pid));
    uint8_t* w = p + kHeaderSize;
    if (af_total > 0) {
      w[0] = static_cast<uint8_t>(af_total - 1);  // adaptation_field_length
      if (af_total > 1) {
        w[1] = af_flags;
        if (pes.pcr && first) PutPcr(w + 2, *pes.pcr);
        const size_t used = 1 + std::max<size_t>(af_content, 1);
        std::memset(w + used, 0xff, af_total - used);
      }
      w += af_total;
    }
    const size_t from_header = std::min(carry, header_left);
    header_cursor.CopyTo(w, from_header);
    header_left -= from_header;
    payload_cursor.CopyTo(w + from_header, carry - from_header);
    payload_left -= carry - from_header;
    first = false;
  }
  out.resize(static_cast<size_t>(next - out.data()));  // (a no-op: the count is exact)
}

}  // namespace liverec::media::ts
