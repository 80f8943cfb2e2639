// compose_bench (P10): the CPU and memory of composing one MP4 from a long cycle's TS slices with
// liverec's ComposeCycle (with its own MP4 writer and, with --mp4-writer both, also with
// libavformat's), beside `ffmpeg -i list.m3u8 -c copy out.mp4` on the same slices in the same
// run. The page cache is written back (sync) before each composition, so that none pays for
// the previous one's writeback. The slices are made first from an FLV file, as the recorder makes
// them (its packets through TsSliceWriter, repeated with increasing timestamps, cut at keyframes
// every
// --slice-s seconds). Each composition runs in a child process, so that its CPU time (user +
// system) and peak RSS are its own (wait4). Results: docs/benchmarks.md "P10 — composition".
#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../lib/flv_media.h"
#include "media/byte_sink.h"
#include "media/compose/cycle_composer.h"
#include "media/ts/ts_slice_writer.h"

namespace {

namespace fs = std::filesystem;
using liverec::media::CodecConfig;
using liverec::media::MediaPacket;
using liverec::media::TrackKind;

using Media = liverec::bench::FlvMedia;

class FileSink final : public liverec::media::ByteSink {
 public:
  explicit FileSink(const std::string& path) : out_(path, std::ios::binary) {}
  liverec::Status Write(std::span<const uint8_t> bytes) override {
    out_.write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return out_ ? liverec::Status::Ok()
                : liverec::Status(liverec::ErrorCode::kStorageFailure, {}, "write");
  }

 private:
  std::ofstream out_;
};

// Writes the slices of `repeat` passes over the file into `dir`; their paths in order.
std::vector<std::string> MakeSlices(Media& media, int repeat, int slice_s, const fs::path& dir) {
  std::vector<std::string> paths;
  const int64_t span_ms = media.packets.back().dts_ms - media.packets.front().dts_ms + 40;
  std::unique_ptr<FileSink> sink;
  std::unique_ptr<liverec::media::ts::TsSliceWriter> writer;
  int64_t slice_start = 0;
  for (int r = 0; r < repeat; ++r) {
    for (MediaPacket packet : media.packets) {
      packet.dts_ms += r * span_ms;
      packet.pts_ms += r * span_ms;
      const bool cut = packet.kind == TrackKind::kVideo && packet.keyframe &&
                       packet.dts_ms - slice_start >= slice_s * 1000;
      if (!writer || cut) {
        if (writer && !writer->Finish().ok()) std::abort();
        paths.push_back((dir / fmt::format("{:06}.ts", paths.size())).string());
        sink = std::make_unique<FileSink>(paths.back());
        auto created = liverec::media::ts::TsSliceWriter::Create(media.video, media.audio, *sink);
        if (!created) std::abort();
        writer = std::move(*created);
        slice_start = packet.dts_ms;
      }
      if (!writer->Write(packet).ok()) std::abort();
    }
  }
  if (writer && !writer->Finish().ok()) std::abort();
  return paths;
}

struct Usage {
  double cpu_s = 0;
  long max_rss_kb = 0;
  int status = 0;
};

// Runs `body` in a child process; its CPU time and peak RSS.
template <typename Body>
Usage InChild(Body body) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) _exit(body());
  Usage usage;
  rusage ru{};
  wait4(pid, &usage.status, 0, &ru);
  usage.cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  usage.max_rss_kb = ru.ru_maxrss;
  return usage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"P10: composing an MP4 of a long cycle, beside ffmpeg (docs/benchmarks.md)"};
  std::string input;
  std::string work;
  int repeat = 60;
  int slice_s = 10;
  int rounds = 1;
  app.add_option("--input", input, "an FLV file (H.264 + AAC)")->required();
  app.add_option("--work", work, "a directory for the slices and outputs (made, then removed)")
      ->required();
  app.add_option("--repeat", repeat, "passes over the file (60 s file x 60 = 1 h)")
      ->check(CLI::PositiveNumber);
  app.add_option("--slice-s", slice_s, "slice duration")->check(CLI::PositiveNumber);
  app.add_option("--rounds", rounds, "rounds; each composes with every composer")
      ->check(CLI::PositiveNumber);
  std::string writer = "own";
  app.add_option("--mp4-writer", writer, "liverec's MP4 writer: own, libavformat or both")
      ->check(CLI::IsMember({"own", "libavformat", "both"}));
  CLI11_PARSE(app, argc, argv);

  Media media = liverec::bench::ReadFlvMedia(input);
  if (media.packets.empty()) {
    std::fprintf(stderr, "no packets in %s\n", input.c_str());
    return 1;
  }
  const fs::path dir(work);
  fs::create_directories(dir / "slices");
  const std::vector<std::string> slices = MakeSlices(media, repeat, slice_s, dir / "slices");
  uint64_t bytes = 0;
  std::ofstream list(dir / "list.m3u8");
  list << "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:" << slice_s + 2
       << "\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n";
  for (const auto& path : slices) {
    bytes += fs::file_size(path);
    list << "#EXTINF:" << slice_s << ".0,\n" << fs::path(path).filename().string() << "\n";
  }
  list << "#EXT-X-ENDLIST\n";
  list.close();
  fs::rename(dir / "list.m3u8", dir / "slices" / "list.m3u8");
  // The children start as copies of this process: free the packets first, so that their peak
  // RSS is the composition's (plus this baseline).
  media = Media{};
  malloc_trim(0);
  long pages = 0;
  long resident = 0;
  if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(statm);
  }
  fmt::print("{} slices of ~{} s, {:.1f} MB; RSS at fork {:.1f} MB (in each child's peak)\n",
             slices.size(), slice_s, bytes / 1e6,
             resident * sysconf(_SC_PAGESIZE) / 1e6 / 1.048576);
  fmt::print("| round | composer | CPU s | peak RSS MB | output MB |\n|---|---|---|---|---|\n");
  using liverec::media::compose::Mp4Writer;
  std::vector<std::pair<std::string, Mp4Writer>> writers;
  if (writer != "libavformat") writers.emplace_back("own", Mp4Writer::kOwn);
  if (writer != "own") writers.emplace_back("libavformat", Mp4Writer::kLibavformat);
  std::vector<std::string> ratios;
  const std::string list_path = (dir / "slices" / "list.m3u8").string();
  // One composition: its name, and the body of its child process (writing `out`).
  struct Composer {
    std::string name;
    std::function<int(const std::string& out)> run;
  };
  std::vector<Composer> composers;
  for (const auto& [name, kind] : writers) {
    composers.push_back({"liverec ComposeCycle, " + name + " MP4 writer",
                         [&slices, kind = kind](const std::string& out) {
                           liverec::media::compose::ComposeOptions options;
                           options.mp4_writer = kind;
                           auto report = liverec::media::compose::ComposeCycle(
                               slices, liverec::media::compose::ContainerFormat::kMp4, out,
                               options);
                           return report && report->slices_composed == slices.size() ? 0 : 1;
                         }});
  }
  composers.push_back({"ffmpeg -c copy", [&list_path](const std::string& out) {
                         const std::string command = fmt::format(
                             "ffmpeg -v error -y -allowed_extensions ALL -i '{}' -c copy '{}'",
                             list_path, out);
                         execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
                         return 127;
                       }});
  for (int round = 1; round <= rounds; ++round) {
    // The order turns from round to round: the first composition after the slices were made
    // measured slower whoever ran it (3 h cycle: +40-80 %), so no composer is always first.
    std::vector<double> cpu(composers.size());
    for (size_t k = 0; k < composers.size(); ++k) {
      const size_t i = (k + static_cast<size_t>(round) - 1) % composers.size();
      const std::string out = (dir / "out.mp4").string();
      sync();
      const Usage usage = InChild([&] { return composers[i].run(out); });
      if (usage.status != 0) {
        std::fprintf(stderr, "%s failed: %d\n", composers[i].name.c_str(), usage.status);
        return 1;
      }
      fmt::print("| {} | {} | {:.2f} | {:.1f} | {:.1f} |\n", round, composers[i].name, usage.cpu_s,
                 usage.max_rss_kb / 1024.0, fs::file_size(out) / 1e6);
      fs::remove(out);
      cpu[i] = usage.cpu_s;
    }
    for (size_t i = 0; i + 1 < composers.size(); ++i) {
      ratios.push_back(
          fmt::format("round {}, {} writer: {:.2f}", round, writers[i].first, cpu[i] / cpu.back()));
    }
  }
  for (const std::string& r : ratios) fmt::print("liverec/ffmpeg CPU, {}\n", r);
  fs::remove_all(dir);
  return 0;
}
