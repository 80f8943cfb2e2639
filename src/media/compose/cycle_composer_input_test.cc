// Composer tests about its inputs: broken, torn and missing slices, slices written by
// liverec's own TsSliceWriter, and many slices (memory).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "media/byte_sink.h"
#include "media/compose/compose_test_support.h"
#include "media/compose/cycle_composer.h"
#include "media/ts/ts_slice_writer.h"
#include "media/ts/ts_test_support.h"

#if defined(__SANITIZE_ADDRESS__)
#define LIVEREC_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LIVEREC_TEST_ASAN 1
#endif
#endif
#ifdef LIVEREC_TEST_ASAN
#include <sanitizer/allocator_interface.h>
#else
#include <malloc.h>
#endif

namespace liverec::media::compose {
namespace {

using test_support::MakeSlices;
using ts::test_support::DecodesCleanly;
using ts::test_support::Probe;
using ts::test_support::ReadFileBytes;
using ts::test_support::RunCommand;
using ts::test_support::TempDir;
using ts::test_support::WriteFileBytes;

constexpr size_t kTsPacketSize = 188;

double DurationOf(const std::string& path) {
  return std::stod(Probe(path)["format"]["duration"].get<std::string>());
}

// A failed composition names the slice and leaves neither the output nor its temporary file.
void ExpectFailureNaming(const Result<ComposeReport>& report, const std::string& slice,
                         const std::string& out) {
  ASSERT_FALSE(report.has_value());
  EXPECT_NE(report.error().detail().find(slice), std::string::npos) << report.error().ToString();
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".tmp"));
}

TEST(CycleComposerInputTest, MissingSliceIsAStorageFailureNamingIt) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  auto slices = MakeSlices(dir.File(""), "s", 2);
  slices.push_back(dir.File("gone.ts"));
  const std::string out = dir.File("cycle.mp4");
  auto report = ComposeCycle(slices, ContainerFormat::kMp4, out);
  ExpectFailureNaming(report, dir.File("gone.ts"), out);
  EXPECT_EQ(report.error().code(), ErrorCode::kStorageFailure);
}

TEST(CycleComposerInputTest, GarbageOrEmptySliceIsMalformedNamingIt) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto good = MakeSlices(dir.File(""), "s", 1);
  std::vector<uint8_t> noise(50 * kTsPacketSize);
  std::mt19937 random(7);
  for (auto& byte : noise) byte = static_cast<uint8_t>(random());
  WriteFileBytes(dir.File("noise.ts"), noise);
  WriteFileBytes(dir.File("empty.ts"), {});
  for (const std::string name : {"noise.ts", "empty.ts"}) {
    const std::string out = dir.File("cycle.flv");
    auto report = ComposeCycle({good[0], dir.File(name)}, ContainerFormat::kFlv, out);
    ExpectFailureNaming(report, dir.File(name), out);
    EXPECT_EQ(report.error().code(), ErrorCode::kMediaMalformed) << name;
  }
}

TEST(CycleComposerInputTest, EmptySliceListIsMalformed) {
  TempDir dir;
  auto report = ComposeCycle({}, ContainerFormat::kMp4, dir.File("cycle.mp4"));
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code(), ErrorCode::kMediaMalformed);
}

TEST(CycleComposerInputTest, TornLastSliceStillComposes) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto slices = MakeSlices(dir.File(""), "s", 3);
  ASSERT_EQ(slices.size(), 3u);
  const auto last = ReadFileBytes(slices[2]);
  const size_t half = last.size() / 2;
  // Cut to whole TS packets, as the spool recovery does, and cut anywhere.
  for (const size_t cut : {half - half % kTsPacketSize, half + 77}) {
    WriteFileBytes(slices[2], std::vector<uint8_t>(last.begin(), last.begin() + cut));
    for (const auto format : {ContainerFormat::kMp4, ContainerFormat::kFlv}) {
      const std::string out = dir.File(format == ContainerFormat::kMp4 ? "c.mp4" : "c.flv");
      ComposeOptions options;
      options.torn_slices = {2};
      auto report = ComposeCycle(slices, format, out, options);
      ASSERT_TRUE(report.has_value()) << cut << ": " << report.error().ToString();
      EXPECT_GE(report->dropped_packets, 1u);
      EXPECT_EQ(report->slices_composed, 3u);
      const double seconds = DurationOf(out);
      EXPECT_GT(seconds, 2.2) << cut;
      EXPECT_LT(seconds, 2.8) << cut;
      EXPECT_TRUE(DecodesCleanly(out));
    }
  }
}

// The recorder's own slices: an FLV replayed as RTMP ingest would deliver it, cut into
// slices by TsSliceWriter at keyframes.
TEST(CycleComposerInputTest, SlicesOfTsSliceWriterCompose) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const std::string flv = dir.File("in.flv");
  ASSERT_EQ(RunCommand("ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi "
                       "-i sine=frequency=440:sample_rate=48000 -t 3 -c:v libx264 -preset "
                       "ultrafast -g 25 -pix_fmt yuv420p -c:a aac -f flv '" +
                       flv + "'"),
            0);
  const auto slices = test_support::SlicesOfTsSliceWriter(dir.File(""), flv);
  ASSERT_EQ(slices.size(), 3u);
  for (const auto format : {ContainerFormat::kMp4, ContainerFormat::kFlv}) {
    const std::string out = dir.File(format == ContainerFormat::kMp4 ? "c.mp4" : "c.flv");
    auto report = ComposeCycle(slices, format, out);
    ASSERT_TRUE(report.has_value()) << report.error().ToString();
    EXPECT_TRUE(report->rebased_slices.empty());
    EXPECT_NEAR(DurationOf(out), 3.0, 0.1);
    EXPECT_TRUE(DecodesCleanly(out));
  }
}

TEST(CycleComposerInputTest, AudioOnlySlicesCompose) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  ASSERT_EQ(RunCommand("ffmpeg -v error -f lavfi -i sine=frequency=440:sample_rate=48000 -t 3 "
                       "-c:a aac -f segment -segment_time 1 -segment_format mpegts '" +
                       dir.File("a%03d.ts") + "'"),
            0);
  const std::vector<std::string> slices = {dir.File("a000.ts"), dir.File("a001.ts"),
                                           dir.File("a002.ts")};
  for (const auto format : {ContainerFormat::kMp4, ContainerFormat::kFlv}) {
    const std::string out = dir.File(format == ContainerFormat::kMp4 ? "c.mp4" : "c.flv");
    auto report = ComposeCycle(slices, format, out);
    ASSERT_TRUE(report.has_value()) << report.error().ToString();
    EXPECT_FALSE(report->video_codec.has_value());
    EXPECT_EQ(report->audio_codec, CodecId::kAac);
    EXPECT_NEAR(DurationOf(out), 3.0, 0.1);
    EXPECT_TRUE(DecodesCleanly(out));
  }
}

#ifndef LIVEREC_TEST_ASAN
// glibc moves its mmap and trim thresholds as large blocks are freed, so one run may take its
// buffers from fresh mappings and the next from the heap: fixed thresholds (large blocks always
// mapped, the heap never trimmed) make runs of the same work measure the same.
bool FixAllocatorThresholds() {
  return mallopt(M_MMAP_THRESHOLD, 256 * 1024) == 1 &&
         mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024) == 1;
}

long ProcStatusKb(const std::string& field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

// How much the resident size grew at its peak (VmHWM, after resetting it) while `run` ran, in
// kB; -1 when the peak cannot be reset here.
template <typename Run>
long PeakMemoryGrowthKb(Run run) {
  static const bool fixed = FixAllocatorThresholds();
  if (!fixed) return -1;
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  if (!clear) return -1;
  const long before_kb = ProcStatusKb("VmRSS");
  run();
  return ProcStatusKb("VmHWM") - before_kb;
}
#else
// Under AddressSanitizer the resident size holds its quarantine of freed memory (up to 256 MB),
// which is not ours: the growth of the live heap at its peak is measured instead, through the
// allocator's hooks (which take no context, hence the one static counter).
struct HeapPeak {
  std::atomic<long> live{0};
  std::atomic<long> peak{0};
};
HeapPeak& TheHeapPeak() {
  static HeapPeak heap;
  return heap;
}
void OnMalloc(const volatile void*, size_t size) {
  HeapPeak& heap = TheHeapPeak();
  const long live = heap.live += static_cast<long>(size);
  long peak = heap.peak.load();
  while (live > peak && !heap.peak.compare_exchange_weak(peak, live)) {
  }
}
void OnFree(const volatile void* p) {
  TheHeapPeak().live -= static_cast<long>(__sanitizer_get_allocated_size(const_cast<void*>(p)));
}

template <typename Run>
long PeakMemoryGrowthKb(Run run) {
  static const int installed = __sanitizer_install_malloc_and_free_hooks(OnMalloc, OnFree);
  if (!installed) return -1;
  HeapPeak& heap = TheHeapPeak();
  const long before = heap.live.load();
  heap.peak = before;
  run();
  return (heap.peak.load() - before) / 1024;
}
#endif

// One-second slices (~270 kB each, the same slice over and over, so each one is also a step
// back in time to be rebased): the composer's peak memory must stay far below the input's
// size and, with liverec's MP4 writer, must not grow with the number of slices: 320 slices
// take no more than 40 do (libavformat's writer, which holds the sample tables, grows by
// ~1.4 MB here).
TEST(CycleComposerInputTest, ManySlicesComposeInMemoryThatDoesNotGrowWithTheCycle) {
  SKIP_WITHOUT_FFMPEG();
  TempDir dir;
  const auto one = MakeSlices(dir.File(""), "s", 1, "libx264", "aac", "640x360",
                              "-b:v 2M -minrate 2M -maxrate 2M -bufsize 1M");
  ASSERT_EQ(one.size(), 1u);
  const auto slice_bytes = ReadFileBytes(one[0]).size();
  auto growth_kb = [&](size_t count) {
    const std::vector<std::string> slices(count, one[0]);
    const std::string out = dir.File("cycle" + std::to_string(count) + ".mp4");
    Result<ComposeReport> report = Error(ErrorCode::kInternalError);
    const long growth =
        PeakMemoryGrowthKb([&] { report = ComposeCycle(slices, ContainerFormat::kMp4, out); });
    EXPECT_TRUE(report.has_value()) << report.error().ToString();
    if (!report) return growth;
    EXPECT_EQ(report->slices_composed, count);
    EXPECT_EQ(report->rebased_slices.size(), count - 1);
    EXPECT_NEAR(DurationOf(out), static_cast<double>(report->duration_ms) / 1000, 0.1);
    std::printf("%zu slices: input %ld kB, output %llu kB, peak memory growth %ld kB\n", count,
                static_cast<long>(slice_bytes * count / 1024),
                static_cast<unsigned long long>(report->bytes / 1024), growth);
    return growth;
  };
  // Warm up (libraries, allocator arenas, buffers) until two runs of the same cycle grow the
  // same, then measure from a reset peak; the long cycle's growth is the smaller of two runs, so
  // a page the allocator happened to touch once is not counted as growth (sample tables held in
  // memory would grow both runs alike).
  long previous_kb = growth_kb(40);
  long short_kb = growth_kb(40);
  for (int run = 0; run < 6 && std::abs(short_kb - previous_kb) > 128; ++run) {
    previous_kb = short_kb;
    short_kb = growth_kb(40);
  }
  if (short_kb < 0) GTEST_SKIP() << "cannot measure the peak memory here";
  const long long_kb = std::min(growth_kb(320), growth_kb(320));
  EXPECT_GT(static_cast<long>(slice_bytes * 320 / 1024), 40 * 1024);
  EXPECT_LT(long_kb, 8 * 1024);  // ASan counts the live heap: ~3.7 MB (two 1 MiB buffers)
  EXPECT_LT(long_kb, short_kb + 512) << "memory grows with the cycle's length";
}

}  // namespace
}  // namespace liverec::media::compose
