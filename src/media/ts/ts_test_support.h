// Test-only helpers for TS slice tests: temporary directories, FLV/MP4 files turned into
// configs and packets, and ffprobe/ffmpeg run on the results. Header-only so that it stays out
// of the media library; used by *_test.cc only.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

extern "C" {
#include <libavformat/avformat.h>
}

#include "media/byte_sink.h"
#include "media/flv/flv_file_reader.h"
#include "media/flv/flv_tag_parser.h"
#include "media/flv/hevc_config.h"
#include "media/media_packet.h"

namespace liverec::media::ts::test_support {

// Skips the test when ffmpeg or ffprobe is missing (tests that make or check media with them).
#define SKIP_WITHOUT_FFMPEG() \
  if (!::liverec::media::ts::test_support::HaveFfmpeg()) GTEST_SKIP() << "no ffmpeg/ffprobe"

inline bool HaveFfmpeg() {
  return std::system("ffmpeg -version >/dev/null 2>&1") == 0 &&
         std::system("ffprobe -version >/dev/null 2>&1") == 0;
}

// A fresh directory named after the running test, removed on destruction.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("liverec_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
             std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A recorded stream: its configs, and its packets in the order they came.
struct Media {
  std::optional<CodecConfig> video;
  std::optional<CodecConfig> audio;
  std::vector<MediaPacket> packets;
};

inline std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline void WriteFileBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// Replays an FLV file through FlvFileReader and FlvTagParser, as the RTMP ingest would.
inline Media ReadFlvMedia(const std::string& path) {
  Media media;
  flv::FlvFileReader reader;
  flv::FlvTagParser parser;
  reader.Feed(ReadFileBytes(path));
  while (true) {
    auto tag = reader.Next();
    if (!tag) {
      EXPECT_EQ(tag.error().code(), ErrorCode::kMediaNeedMoreData) << tag.error().ToString();
      break;
    }
    if (tag->type == flv::FlvTagType::kScriptData) continue;
    auto result = tag->type == flv::FlvTagType::kVideo
                      ? parser.ParseVideo(tag->body, tag->timestamp_ms)
                      : parser.ParseAudio(tag->body, tag->timestamp_ms);
    EXPECT_TRUE(result.has_value()) << result.error().ToString();
    if (!result) continue;
    if (result->packet) media.packets.push_back(std::move(*result->packet));
  }
  media.video = parser.video_config();
  media.audio = parser.audio_config();
  return media;
}

// Runs a shell command; its exit status (0 on success).
inline int RunCommand(const std::string& command) { return std::system(command.c_str()); }

// Standard output of a command, or nullopt when it failed.
inline std::optional<std::string> Capture(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  return ::pclose(pipe) == 0 ? std::optional(out) : std::nullopt;
}

// ffprobe's view of a file: {"streams": [...], "format": {...}}, or null on failure.
inline nlohmann::json Probe(const std::string& path) {
  auto out = Capture("ffprobe -v error -show_streams -show_format -of json '" + path + "'");
  if (!out) return nullptr;
  return nlohmann::json::parse(*out, nullptr, /*allow_exceptions=*/false);
}

// True when ffmpeg decodes the whole file without reporting any error.
inline bool DecodesCleanly(const std::string& path) {
  const std::string log = path + ".decode.log";
  const int status = RunCommand("ffmpeg -v error -i '" + path + "' -f null - 2>'" + log + "'");
  const auto errors = ReadFileBytes(log);
  if (!errors.empty()) {
    ADD_FAILURE() << path << ": " << std::string(errors.begin(), errors.end());
  }
  return status == 0 && errors.empty();
}

// Demuxes an MP4 with libavformat: the hvcC record and packets in ms, as an ingest would have
// them. An MP4's B-frame delay starts its DTS below 0, which RTMP timestamps never are: the
// packets are moved so that the first DTS is 0 or more.
inline Media ReadHevcMp4(const std::string& path) {
  Media media;
  AVFormatContext* input = nullptr;
  if (avformat_open_input(&input, path.c_str(), nullptr, nullptr) < 0) {
    ADD_FAILURE() << "cannot open " << path;
    return media;
  }
  avformat_find_stream_info(input, nullptr);
  const AVStream* stream = input->streams[0];
  const AVCodecParameters* par = stream->codecpar;
  CodecConfig config;
  config.codec = CodecId::kHevc;
  config.extradata.assign(par->extradata, par->extradata + par->extradata_size);
  auto info = flv::ParseHevcDecoderConfig(config.extradata);
  EXPECT_TRUE(info.has_value());
  if (info) {
    config.width = info->size.width;
    config.height = info->size.height;
  }
  media.video = config;
  AVPacket* packet = av_packet_alloc();
  while (av_read_frame(input, packet) >= 0) {
    av_packet_rescale_ts(packet, stream->time_base, AVRational{1, 1000});
    media.packets.push_back(
        MediaPacket{TrackKind::kVideo, CodecId::kHevc, packet->dts, packet->pts,
                    (packet->flags & AV_PKT_FLAG_KEY) != 0,
                    std::vector<uint8_t>(packet->data, packet->data + packet->size)});
    av_packet_unref(packet);
  }
  av_packet_free(&packet);
  avformat_close_input(&input);
  const int64_t shift = media.packets.empty() ? 0 : -std::min<int64_t>(media.packets[0].dts_ms, 0);
  for (MediaPacket& p : media.packets) {
    p.dts_ms += shift;
    p.pts_ms += shift;
  }
  return media;
}

}  // namespace liverec::media::ts::test_support
