// snapshot_bench: CPU time of one snapshot (a keyframe decoded and encoded as JPEG) by liverec's
// SnapshotJpeg beside ffmpeg in the same run, for H.264 and HEVC at one picture size (720p by
// default). Inputs are made with ffmpeg (testsrc2, keyframe every frame so each packet is one
// snapshot's input) in a temporary directory. liverec: the thread's CPU time per SnapshotJpeg
// call (a decoder and an encoder opened per call, as the server does). Peer: one
// `ffmpeg -frames:v 1 -q:v 3 out.jpg` process per snapshot, the children's CPU time (getrusage),
// which is what a server that runs ffmpeg per snapshot pays (nginx-rtmp's exec_push/exec, SRS's
// snapshot ffmpeg). Results: docs/benchmarks.md "Snapshots".
#include <sys/resource.h>
#include <time.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

extern "C" {
#include <libavformat/avformat.h>
}

#include "media/media_packet.h"
#include "media/snapshot/jpeg_snapshot.h"

namespace {

using liverec::media::CodecConfig;
using liverec::media::CodecId;
using liverec::media::MediaPacket;
using liverec::media::TrackKind;

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double ChildrenCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Input {
  CodecConfig video;
  std::vector<MediaPacket> keyframes;
};

// The video track's configuration and keyframes of an MP4 (avcC/hvcC and length-prefixed NAL
// units: what the FLV sequence header and video tags carry).
Input ReadMp4(const std::string& path, CodecId codec) {
  Input input;
  AVFormatContext* format = nullptr;
  if (avformat_open_input(&format, path.c_str(), nullptr, nullptr) < 0) return input;
  avformat_find_stream_info(format, nullptr);
  const AVCodecParameters* par = format->streams[0]->codecpar;
  input.video.codec = codec;
  input.video.extradata.assign(par->extradata, par->extradata + par->extradata_size);
  input.video.width = par->width;
  input.video.height = par->height;
  AVPacket* packet = av_packet_alloc();
  while (av_read_frame(format, packet) >= 0) {
    if (packet->flags & AV_PKT_FLAG_KEY) {
      input.keyframes.push_back(MediaPacket{TrackKind::kVideo,
                                            codec,
                                            packet->dts,
                                            packet->pts,
                                            true,
                                            {packet->data, packet->data + packet->size}});
    }
    av_packet_unref(packet);
  }
  av_packet_free(&packet);
  avformat_close_input(&format);
  return input;
}

int Run(const std::string& command) { return std::system(command.c_str()); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"CPU per snapshot: liverec's SnapshotJpeg beside an ffmpeg process per snapshot"};
  std::string size = "1280x720";
  int snapshots = 50;
  int peer_runs = 20;
  app.add_option("--size", size, "picture size");
  app.add_option("--snapshots", snapshots, "snapshots liverec takes per codec");
  app.add_option("--peer-runs", peer_runs, "ffmpeg processes per codec");
  CLI11_PARSE(app, argc, argv);

  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("liverec-snapshot-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  struct Codec {
    const char* name;
    CodecId id;
    const char* encoder;
  };
  for (const Codec& codec :
       {Codec{"h264", CodecId::kH264, "libx264 -preset veryfast"},
        Codec{"hevc", CodecId::kHevc, "libx265 -preset veryfast -x265-params log-level=none"}}) {
    const std::string mp4 = (dir / fmt::format("{}.mp4", codec.name)).string();
    // Every frame a keyframe: each packet is one snapshot's input, like a live stream's IDR.
    if (Run(fmt::format("ffmpeg -v error -y -f lavfi -i testsrc2=size={}:rate=25 -frames:v {} "
                        "-c:v {} -g 1 -pix_fmt yuv420p -b:v 2M '{}'",
                        size, snapshots, codec.encoder, mp4)) != 0) {
      std::fprintf(stderr, "ffmpeg could not make the %s input\n", codec.name);
      return 1;
    }
    const Input input = ReadMp4(mp4, codec.id);
    if (input.keyframes.empty()) {
      std::fprintf(stderr, "no keyframes in %s\n", mp4.c_str());
      return 1;
    }
    size_t bytes = 0;
    const double start = ThreadCpuSeconds();
    for (const MediaPacket& keyframe : input.keyframes) {
      auto image = liverec::media::snapshot::SnapshotJpeg(input.video, keyframe);
      if (!image) {
        std::fprintf(stderr, "%s\n", image.error().ToString().c_str());
        return 1;
      }
      bytes += image->bytes.size();
    }
    const double ours_ms = (ThreadCpuSeconds() - start) * 1000 / input.keyframes.size();

    const std::string jpeg = (dir / "peer.jpg").string();
    const double before = ChildrenCpuSeconds();
    for (int i = 0; i < peer_runs; ++i) {
      if (Run(fmt::format("ffmpeg -v error -y -threads 1 -i '{}' -frames:v 1 -q:v 3 '{}'", mp4,
                          jpeg)) != 0) {
        std::fprintf(stderr, "ffmpeg could not make a snapshot\n");
        return 1;
      }
    }
    const double peer_ms = (ChildrenCpuSeconds() - before) * 1000 / peer_runs;
    std::printf(
        "%s %s: liverec %.2f ms CPU per snapshot (%zu snapshots, %.0f kB each); "
        "ffmpeg process %.2f ms; ratio liverec/ffmpeg %.3f\n",
        codec.name, size.c_str(), ours_ms, input.keyframes.size(),
        bytes / 1024.0 / input.keyframes.size(), peer_ms, ours_ms / peer_ms);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
