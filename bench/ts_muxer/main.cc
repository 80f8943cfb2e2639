// ts_muxer_bench: CPU time of writing TS slices with liverec's own muxer beside libavformat's
// (TsSliceWriter with TsMuxerKind::kOwn / kLibavformat), on the packets of one FLV file as the
// RTMP ingest parses them, repeated with increasing timestamps and cut into 10 s slices at
// keyframes, into a sink that only counts bytes. Rounds alternate the two muxers; the thread's
// CPU time (CLOCK_THREAD_CPUTIME_ID) is reported per packet and per media second, with the ratio.
// Results: docs/benchmarks.md "P1: the TS muxer alone".
#include <time.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "../lib/flv_media.h"
#include "media/byte_sink.h"
#include "media/ts/ts_slice_writer.h"

namespace {

using liverec::media::ByteSink;
using liverec::media::MediaPacket;
using liverec::media::TrackKind;
using liverec::media::ts::TsMuxerKind;
using liverec::media::ts::TsSliceWriter;

class CountingSink final : public ByteSink {
 public:
  liverec::Status Write(std::span<const uint8_t> bytes) override {
    bytes_ += bytes.size();
    ++writes_;
    return liverec::Status::Ok();
  }
  size_t bytes_ = 0;
  size_t writes_ = 0;
};

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

using Media = liverec::bench::FlvMedia;

struct Run {
  double cpu_s = 0;
  size_t bytes = 0;
  size_t slices = 0;
};

Run Mux(Media& media, int repeat, TsMuxerKind kind) {
  constexpr int64_t kSliceMs = 10'000;
  CountingSink sink;
  Run run;
  const int64_t span_ms = media.packets.back().dts_ms - media.packets.front().dts_ms + 40;
  std::unique_ptr<TsSliceWriter> writer;
  int64_t slice_start = 0;
  const double start = ThreadCpuSeconds();
  for (int r = 0; r < repeat; ++r) {
    for (MediaPacket& packet : media.packets) {
      // Timestamps move on in place (no copy of the media): pass r is r spans later.
      if (r > 0) {
        packet.dts_ms += span_ms;
        packet.pts_ms += span_ms;
      }
      const bool cut = packet.kind == TrackKind::kVideo && packet.keyframe &&
                       packet.dts_ms - slice_start >= kSliceMs;
      if (!writer || cut) {
        if (writer && !writer->Finish().ok()) std::abort();
        auto created = TsSliceWriter::Create(media.video, media.audio, sink, kind);
        if (!created) std::abort();
        writer = std::move(*created);
        slice_start = packet.dts_ms;
        ++run.slices;
      }
      if (!writer->Write(packet).ok()) std::abort();
    }
  }
  if (writer && !writer->Finish().ok()) std::abort();
  run.cpu_s = ThreadCpuSeconds() - start;
  for (MediaPacket& packet : media.packets) {  // back to the file's timestamps
    packet.dts_ms -= (repeat - 1) * span_ms;
    packet.pts_ms -= (repeat - 1) * span_ms;
  }
  run.bytes = sink.bytes_;
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"CPU of liverec's own TS muxer beside libavformat's (docs/benchmarks.md)"};
  std::string input;
  int repeat = 20;
  int rounds = 3;
  app.add_option("--input", input, "an FLV file (H.264/HEVC + AAC/MP3)")->required();
  app.add_option("--repeat", repeat, "times the file's packets are muxed per run")
      ->check(CLI::PositiveNumber);
  app.add_option("--rounds", rounds, "rounds; each runs both muxers")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  Media media = liverec::bench::ReadFlvMedia(input);
  if (media.packets.empty()) {
    std::fprintf(stderr, "no packets in %s\n", input.c_str());
    return 1;
  }
  const double media_s =
      repeat * (media.packets.back().dts_ms - media.packets.front().dts_ms + 40) / 1000.0;
  const size_t packets = media.packets.size() * static_cast<size_t>(repeat);
  fmt::print("input {}: {} packets, {:.1f} s of media per run ({} repeats)\n", input, packets,
             media_s, repeat);
  fmt::print(
      "| round | muxer | CPU s | ns per packet | CPU ms per media hour | output MB | slices |\n");
  fmt::print("|---|---|---|---|---|---|---|\n");
  std::vector<double> ratios;
  for (int round = 1; round <= rounds; ++round) {
    double cpu[2] = {0, 0};
    for (TsMuxerKind kind : {TsMuxerKind::kOwn, TsMuxerKind::kLibavformat}) {
      const Run run = Mux(media, repeat, kind);
      const bool own = kind == TsMuxerKind::kOwn;
      cpu[own ? 0 : 1] = run.cpu_s;
      fmt::print("| {} | {} | {:.3f} | {:.0f} | {:.0f} | {:.1f} | {} |\n", round,
                 own ? "own" : "libavformat", run.cpu_s, run.cpu_s * 1e9 / packets,
                 run.cpu_s * 1000 * 3600 / media_s, run.bytes / 1e6, run.slices);
    }
    ratios.push_back(cpu[0] / cpu[1]);
  }
  std::sort(ratios.begin(), ratios.end());
  fmt::print("own/libavformat CPU ratio: median {:.3f} (min {:.3f}, max {:.3f}) over {} rounds\n",
             ratios[ratios.size() / 2], ratios.front(), ratios.back(), rounds);
  return 0;
}
