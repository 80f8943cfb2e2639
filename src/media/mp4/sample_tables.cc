#include "media/mp4/sample_tables.h"

#include <functional>
#include <optional>

namespace liverec::media::mp4 {
namespace {

// Calls `visit` with every record, in order.
Status ForEach(SampleSource& samples, const std::function<Status(const SampleRecord&)>& visit) {
  LIVEREC_RETURN_IF_ERROR(samples.Rewind());
  SampleRecord record;
  while (true) {
    auto more = samples.Next(record);
    if (!more) return more.error();
    if (!*more) return Status::Ok();
    LIVEREC_RETURN_IF_ERROR(visit(record));
  }
}

// Runs of equal values, handed to `emit(count, value)` as each one ends.
template <typename T>
class Runs {
 public:
  explicit Runs(std::function<void(uint64_t, T)> emit) : emit_(std::move(emit)) {}
  void Add(T value) {
    if (count_ > 0 && value == value_) {
      ++count_;
      return;
    }
    End();
    value_ = value;
    count_ = 1;
  }
  void End() {
    if (count_ > 0) emit_(count_, value_);
    count_ = 0;
  }

 private:
  std::function<void(uint64_t, T)> emit_;
  T value_{};
  uint64_t count_ = 0;
};

// Chunks (§8.7.4): a sample that starts where the track's previous one ended is in its chunk.
// Calls `chunk(offset)` as a chunk starts and `end(samples)` as one ends.
class Chunks {
 public:
  Chunks(std::function<void(uint64_t)> chunk, std::function<void(uint64_t)> end)
      : chunk_(std::move(chunk)), end_(std::move(end)) {}
  void Add(const SampleRecord& record) {
    if (samples_ == 0 || record.offset != next_offset_) {
      End();
      chunk_(record.offset);
    }
    ++samples_;
    next_offset_ = record.offset + record.size;
  }
  void End() {
    if (samples_ > 0) end_(samples_);
    samples_ = 0;
  }

 private:
  std::function<void(uint64_t)> chunk_;
  std::function<void(uint64_t)> end_;
  uint64_t samples_ = 0;
  uint64_t next_offset_ = 0;
};

uint64_t TableSize(uint64_t entries, uint64_t entry_bytes) { return 16 + entries * entry_bytes; }

}  // namespace

Result<TrackSummary> Summarize(SampleSource& samples) {
  TrackSummary summary;
  bool any_offset = false;
  uint64_t offset_runs = 0;
  Runs<uint32_t> durations([&](uint64_t, uint32_t) { ++summary.time_to_sample_entries; });
  Runs<int32_t> offsets([&](uint64_t, int32_t) { ++offset_runs; });
  Runs<uint64_t> chunk_runs([&](uint64_t, uint64_t) { ++summary.chunk_run_entries; });
  Chunks chunks(
      [&](uint64_t offset) {
        ++summary.chunks;
        summary.last_chunk_offset = offset;
      },
      [&](uint64_t count) { chunk_runs.Add(count); });
  Status status = ForEach(samples, [&](const SampleRecord& record) {
    if (record.cts < 0) {
      return Status(ErrorCode::kMuxerFailure, {}, "MP4 sample with a PTS before its DTS");
    }
    if (summary.samples++ == 0) {
      summary.first_dts = record.dts;
      summary.first_cts = record.cts;
    }
    summary.duration += record.duration;
    summary.sync_samples += record.keyframe != 0;
    any_offset = any_offset || record.cts != 0;
    durations.Add(record.duration);
    offsets.Add(record.cts);
    chunks.Add(record);
    return Status::Ok();
  });
  if (!status.ok()) return Error(status);
  durations.End();
  offsets.End();
  chunks.End();
  chunk_runs.End();
  summary.composition_entries = any_offset ? offset_runs : 0;
  return summary;
}

uint64_t SampleTablesSize(const TrackSummary& s, bool co64) {
  uint64_t size = TableSize(s.time_to_sample_entries, 8);
  if (s.composition_entries > 0) size += TableSize(s.composition_entries, 8);
  if (s.has_sync_table()) size += TableSize(s.sync_samples, 4);
  size += 20 + s.samples * 4;  // stsz: sample_size 0, then every size
  size += TableSize(s.chunk_run_entries, 12);
  size += TableSize(s.chunks, co64 ? 8 : 4);
  return size;
}

Status WriteSampleTables(SampleSource& samples, const TrackSummary& s, bool co64,
                         uint64_t offset_shift, BoxWriter& out) {
  // stts (§8.6.1.2): sample_count, sample_delta.
  out.FullBox(TableSize(s.time_to_sample_entries, 8), "stts", 0, 0);
  out.U32(static_cast<uint32_t>(s.time_to_sample_entries));
  Runs<uint32_t> durations([&](uint64_t count, uint32_t delta) {
    out.U32(static_cast<uint32_t>(count));
    out.U32(delta);
  });
  LIVEREC_RETURN_IF_ERROR(ForEach(samples, [&](const SampleRecord& r) {
    durations.Add(r.duration);
    return out.MaybeFlush();
  }));
  durations.End();

  // ctts (§8.6.1.3), version 0: sample_count, unsigned sample_offset.
  if (s.composition_entries > 0) {
    out.FullBox(TableSize(s.composition_entries, 8), "ctts", 0, 0);
    out.U32(static_cast<uint32_t>(s.composition_entries));
    Runs<int32_t> offsets([&](uint64_t count, int32_t offset) {
      out.U32(static_cast<uint32_t>(count));
      out.U32(static_cast<uint32_t>(offset));
    });
    LIVEREC_RETURN_IF_ERROR(ForEach(samples, [&](const SampleRecord& r) {
      offsets.Add(r.cts);
      return out.MaybeFlush();
    }));
    offsets.End();
  }

  // stss (§8.6.2): 1-based numbers of the sync samples.
  if (s.has_sync_table()) {
    out.FullBox(TableSize(s.sync_samples, 4), "stss", 0, 0);
    out.U32(static_cast<uint32_t>(s.sync_samples));
    uint32_t number = 0;
    LIVEREC_RETURN_IF_ERROR(ForEach(samples, [&](const SampleRecord& r) {
      ++number;
      if (r.keyframe) out.U32(number);
      return out.MaybeFlush();
    }));
  }

  // stsz (§8.7.3.2): sample_size 0 (they differ), sample_count, each entry_size.
  out.FullBox(20 + s.samples * 4, "stsz", 0, 0);
  out.U32(0);
  out.U32(static_cast<uint32_t>(s.samples));
  LIVEREC_RETURN_IF_ERROR(ForEach(samples, [&](const SampleRecord& r) {
    out.U32(r.size);
    return out.MaybeFlush();
  }));

  // stsc (§8.7.4): first_chunk (1-based), samples_per_chunk, sample_description_index; then
  // stco/co64 (§8.7.5): each chunk's offset. One pass each, both driven by the same chunking.
  out.FullBox(TableSize(s.chunk_run_entries, 12), "stsc", 0, 0);
  out.U32(static_cast<uint32_t>(s.chunk_run_entries));
  uint32_t run_start = 1;
  Runs<uint64_t> runs([&](uint64_t count, uint64_t per_chunk) {
    out.U32(run_start);
    out.U32(static_cast<uint32_t>(per_chunk));
    out.U32(1);
    run_start += static_cast<uint32_t>(count);
  });
  Chunks stsc([](uint64_t) {}, [&](uint64_t count) { runs.Add(count); });
  LIVEREC_RETURN_IF_ERROR(ForEach(samples, [&](const SampleRecord& r) {
    stsc.Add(r);
    return out.MaybeFlush();
  }));
  stsc.End();
  runs.End();

  out.FullBox(TableSize(s.chunks, co64 ? 8 : 4), co64 ? "co64" : "stco", 0, 0);
  out.U32(static_cast<uint32_t>(s.chunks));
  Chunks stco(
      [&](uint64_t offset) {
        if (co64) {
          out.U64(offset + offset_shift);
        } else {
          out.U32(static_cast<uint32_t>(offset + offset_shift));
        }
      },
      [](uint64_t) {});
  LIVEREC_RETURN_IF_ERROR(ForEach(samples, [&](const SampleRecord& r) {
    stco.Add(r);
    return out.MaybeFlush();
  }));
  return Status::Ok();
}

}  // namespace liverec::media::mp4
