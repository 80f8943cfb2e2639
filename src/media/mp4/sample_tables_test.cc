#include "media/mp4/sample_tables.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace liverec::media::mp4 {
namespace {

class VectorSource final : public SampleSource {
 public:
  explicit VectorSource(std::vector<SampleRecord> records) : records_(std::move(records)) {}
  Status Rewind() override {
    next_ = 0;
    ++rewinds_;
    return Status::Ok();
  }
  Result<bool> Next(SampleRecord& record) override {
    if (next_ == records_.size()) return false;
    record = records_[next_++];
    return true;
  }
  int rewinds() const { return rewinds_; }

 private:
  std::vector<SampleRecord> records_;
  size_t next_ = 0;
  int rewinds_ = 0;
};

SampleRecord Sample(uint64_t offset, uint32_t size, int64_t dts, uint32_t duration, int32_t cts,
                    bool key) {
  SampleRecord r;
  r.offset = offset;
  r.size = size;
  r.dts = dts;
  r.duration = duration;
  r.cts = cts;
  r.keyframe = key ? 1 : 0;
  return r;
}

uint32_t U32(const std::vector<uint8_t>& b, size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) |
         b[at + 3];
}

// Each box's entries after its header (version/flags and entry count skipped), by type.
std::map<std::string, std::vector<uint32_t>> Tables(const std::vector<uint8_t>& bytes) {
  std::map<std::string, std::vector<uint32_t>> tables;
  size_t at = 0;
  while (at + 8 <= bytes.size()) {
    const uint32_t size = U32(bytes, at);
    const std::string type(bytes.begin() + static_cast<long>(at) + 4,
                           bytes.begin() + static_cast<long>(at) + 8);
    auto& values = tables[type];
    for (size_t p = at + 16; p + 4 <= at + size; p += 4) values.push_back(U32(bytes, p));
    at += size;
  }
  EXPECT_EQ(at, bytes.size());
  return tables;
}

std::vector<uint8_t> Write(VectorSource& source, const TrackSummary& summary, bool co64,
                           uint64_t shift) {
  MemorySink sink;
  BoxWriter out(sink, 16);  // a tiny buffer: every flush point is exercised
  EXPECT_TRUE(WriteSampleTables(source, summary, co64, shift, out).ok());
  EXPECT_TRUE(out.Flush().ok());
  EXPECT_EQ(sink.data().size(), SampleTablesSize(summary, co64));
  return sink.data();
}

// Video with B-frames: two chunks (the second after another track's data), a duration change
// and composition offsets.
TEST(SampleTablesTest, RunsChunksAndSyncSamplesAreCountedAndWritten) {
  VectorSource source({Sample(100, 10, 0, 3000, 6000, true), Sample(110, 5, 3000, 3000, 0, false),
                       Sample(115, 5, 6000, 3000, 0, false), Sample(200, 8, 9000, 3003, 6000, true),
                       Sample(208, 4, 12003, 3000, 3000, false)});
  auto summary = Summarize(source);
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->samples, 5u);
  EXPECT_EQ(summary->time_to_sample_entries, 3u);
  EXPECT_EQ(summary->composition_entries, 4u);
  EXPECT_EQ(summary->sync_samples, 2u);
  EXPECT_TRUE(summary->has_sync_table());
  EXPECT_EQ(summary->chunks, 2u);
  EXPECT_EQ(summary->chunk_run_entries, 2u);
  EXPECT_EQ(summary->last_chunk_offset, 200u);
  EXPECT_EQ(summary->first_dts, 0);
  EXPECT_EQ(summary->first_cts, 6000);
  EXPECT_EQ(summary->duration, 15003u);

  auto tables = Tables(Write(source, *summary, false, 4000));
  EXPECT_EQ(tables["stts"], (std::vector<uint32_t>{3, 3000, 1, 3003, 1, 3000}));
  EXPECT_EQ(tables["ctts"], (std::vector<uint32_t>{1, 6000, 2, 0, 1, 6000, 1, 3000}));
  EXPECT_EQ(tables["stss"], (std::vector<uint32_t>{1, 4}));
  // stsz: sample_size 0 and sample_count come before the entries.
  EXPECT_EQ(tables["stsz"], (std::vector<uint32_t>{5, 10, 5, 5, 8, 4}));
  EXPECT_EQ(tables["stsc"], (std::vector<uint32_t>{1, 3, 1, 2, 2, 1}));
  EXPECT_EQ(tables["stco"], (std::vector<uint32_t>{4100, 4200}));
  EXPECT_EQ(tables.count("co64"), 0u);
}

TEST(SampleTablesTest, AudioHasNoSyncOrCompositionTableAndChunksOfEqualSizeShareAnEntry) {
  VectorSource source({Sample(0, 4, 0, 1024, 0, true), Sample(4, 4, 1024, 1024, 0, true),
                       Sample(50, 4, 2048, 1024, 0, true), Sample(54, 4, 3072, 1024, 0, true),
                       Sample(90, 4, 4096, 1024, 0, true)});
  auto summary = Summarize(source);
  ASSERT_TRUE(summary.has_value());
  EXPECT_FALSE(summary->has_sync_table());
  EXPECT_EQ(summary->composition_entries, 0u);
  auto tables = Tables(Write(source, *summary, false, 0));
  EXPECT_EQ(tables.count("stss"), 0u);
  EXPECT_EQ(tables.count("ctts"), 0u);
  EXPECT_EQ(tables["stts"], (std::vector<uint32_t>{5, 1024}));
  EXPECT_EQ(tables["stsc"], (std::vector<uint32_t>{1, 2, 1, 3, 1, 1}));
  EXPECT_EQ(tables["stco"], (std::vector<uint32_t>{0, 50, 90}));
}

TEST(SampleTablesTest, OffsetsPast4GiBAreWrittenAs64BitChunkOffsets) {
  const uint64_t big = uint64_t{5} << 30;
  VectorSource source({Sample(16, 4, 0, 1024, 0, true), Sample(big, 4, 1024, 1024, 0, true)});
  auto summary = Summarize(source);
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->last_chunk_offset, big);
  auto tables = Tables(Write(source, *summary, true, 4096));
  EXPECT_EQ(tables.count("stco"), 0u);
  const uint64_t shifted = big + 4096;
  EXPECT_EQ(tables["co64"],
            (std::vector<uint32_t>{0, 16 + 4096, static_cast<uint32_t>(shifted >> 32),
                                   static_cast<uint32_t>(shifted)}));
}

TEST(SampleTablesTest, APtsBeforeItsDtsIsRefused) {
  VectorSource source({Sample(0, 4, 0, 1, -1, true)});
  auto summary = Summarize(source);
  ASSERT_FALSE(summary.has_value());
  EXPECT_EQ(summary.error().code(), ErrorCode::kMuxerFailure);
}

TEST(SampleTablesTest, AnEmptyTrackHasEmptyTables) {
  VectorSource source({});
  auto summary = Summarize(source);
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->samples, 0u);
  auto tables = Tables(Write(source, *summary, false, 0));
  EXPECT_TRUE(tables["stts"].empty());
  EXPECT_EQ(tables["stsz"], (std::vector<uint32_t>{0}));
  EXPECT_TRUE(tables["stco"].empty());
}

}  // namespace
}  // namespace liverec::media::mp4
