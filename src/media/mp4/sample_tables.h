// The sample tables of one MP4 track (ISO/IEC 14496-12 §8.6.1.2 stts, §8.6.1.3 ctts, §8.6.2
// stss, §8.7.3 stsz, §8.7.4 stsc, §8.7.5 stco/co64), written from a stream of per-sample
// records that the caller keeps outside memory (a spool file): Summarize reads the records once
// to count each table's entries, so every box size is known before it is written, and
// WriteSampleTables reads them again once per table. Memory does not depend on the number of
// samples. Sans-I/O; thread-safety: none.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "media/mp4/box_writer.h"

namespace liverec::media::mp4 {

// One sample as written into the mdat. Times are in the track's timescale.
struct SampleRecord {
  uint64_t offset = 0;    // of the sample's first byte, in the file as written
  int64_t dts = 0;        // decoding time
  uint32_t size = 0;      // bytes
  uint32_t duration = 0;  // to the next sample's DTS (the last: its own duration)
  int32_t cts = 0;        // composition offset, PTS - DTS (>= 0)
  uint8_t keyframe = 0;   // a sync sample
  uint8_t reserved[3] = {};
};

// Where the records come from, in decoding order; Rewind starts over.
class SampleSource {
 public:
  virtual ~SampleSource() = default;
  virtual Status Rewind() = 0;
  // The next record into `record`; false at the end.
  virtual Result<bool> Next(SampleRecord& record) = 0;
};

struct TrackSummary {
  uint64_t samples = 0;
  uint64_t time_to_sample_entries = 0;  // stts runs of equal durations
  uint64_t composition_entries = 0;     // ctts runs of equal offsets; 0: every offset is 0
  uint64_t sync_samples = 0;
  uint64_t chunks = 0;             // runs of samples that follow each other in the file
  uint64_t chunk_run_entries = 0;  // stsc runs of chunks with equal sample counts
  uint64_t last_chunk_offset = 0;  // the largest chunk offset, as written
  int64_t first_dts = 0;
  int32_t first_cts = 0;
  uint64_t duration = 0;  // sum of the samples' durations

  // stss is left out when every sample is a sync sample (§8.6.2.1).
  bool has_sync_table() const { return sync_samples < samples; }
};

// Counts what the tables need. kMuxerFailure for a record with a negative composition offset.
Result<TrackSummary> Summarize(SampleSource& samples);

// Bytes of the sample table boxes of `summary` (stsd excluded), with 64-bit chunk offsets
// (co64) or 32-bit ones (stco).
uint64_t SampleTablesSize(const TrackSummary& summary, bool co64);

// Writes stts, ctts (when needed), stss (when needed), stsz, stsc and stco/co64, adding
// `offset_shift` to every chunk offset (the bytes placed in front of the data after it was
// written). The records must be those `summary` was made from.
Status WriteSampleTables(SampleSource& samples, const TrackSummary& summary, bool co64,
                         uint64_t offset_shift, BoxWriter& out);

}  // namespace liverec::media::mp4
