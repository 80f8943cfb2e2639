// Test-only helpers for the composer tests: TS slices made by ffmpeg, and readers of the
// container structure a player relies on (MP4 top-level boxes, FLV onMetaData numbers,
// per-packet timestamps from ffprobe). Header-only; used by *_test.cc only.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "media/byte_sink.h"
#include "media/ts/ts_slice_writer.h"
#include "media/ts/ts_test_support.h"

namespace liverec::media::compose::test_support {

using ts::test_support::Capture;
using ts::test_support::ReadFileBytes;
using ts::test_support::RunCommand;

// Encodes `seconds` of a test pattern (`size`, 25 fps, a keyframe every second, B-frames)
// and a tone, and cuts it with ffmpeg's segment muxer into 1-second MPEG-TS slices
// `<prefix>000.ts`, ... in `dir`. Extra ffmpeg output options go in `extra`
// (e.g. "-output_ts_offset 60"). Returns the slice paths in order.
inline std::vector<std::string> MakeSlices(const std::string& dir, const std::string& prefix,
                                           int seconds, const std::string& video_codec = "libx264",
                                           const std::string& audio_codec = "aac",
                                           const std::string& size = "320x240",
                                           const std::string& extra = "") {
  std::string video = "-c:v " + video_codec + " -preset ultrafast -g 25 -keyint_min 25 ";
  video += video_codec == "libx265" ? "-x265-params log-level=none:bframes=2 "
                                    : "-bf 2 -sc_threshold 0 ";
  const std::string command = "ffmpeg -v error -y -f lavfi -i testsrc2=size=" + size +
                              ":rate=25 -f lavfi -i "
                              "sine=frequency=440:sample_rate=44100 -t " +
                              std::to_string(seconds) + " -pix_fmt yuv420p " + video + "-c:a " +
                              audio_codec + " -ac 2 " + extra +
                              " -f segment -segment_time 1 -segment_format mpegts '" + dir + "/" +
                              prefix + "%03d.ts'";
  EXPECT_EQ(RunCommand(command), 0) << command;
  std::vector<std::string> paths;
  for (int i = 0;; ++i) {
    char name[16];
    std::snprintf(name, sizeof(name), "%03d.ts", i);
    const std::string path = dir + "/" + prefix + name;
    if (ReadFileBytes(path).empty()) break;
    paths.push_back(path);
  }
  return paths;
}

// The recorder's own slices of an FLV: its packets as RTMP ingest delivers them, cut by
// TsSliceWriter (liverec's own muxer) at every video keyframe into `<dir>/<n>.ts`.
inline std::vector<std::string> SlicesOfTsSliceWriter(const std::string& dir,
                                                      const std::string& flv) {
  const auto media = ts::test_support::ReadFlvMedia(flv);
  EXPECT_FALSE(media.packets.empty());
  std::vector<std::string> slices;
  std::unique_ptr<MemorySink> sink;
  std::unique_ptr<ts::TsSliceWriter> writer;
  auto close_slice = [&] {
    EXPECT_TRUE(writer->Finish().ok());
    slices.push_back(dir + "/" + std::to_string(slices.size()) + ".ts");
    ts::test_support::WriteFileBytes(slices.back(), sink->data());
  };
  for (const MediaPacket& packet : media.packets) {
    if (packet.kind == TrackKind::kVideo && packet.keyframe) {
      if (writer) close_slice();
      sink = std::make_unique<MemorySink>();
      auto created = ts::TsSliceWriter::Create(media.video, media.audio, *sink);
      EXPECT_TRUE(created.has_value()) << created.error().ToString();
      if (!created) return {};
      writer = std::move(*created);
    }
    if (writer) {
      EXPECT_TRUE(writer->Write(packet).ok());
    }
  }
  if (writer) close_slice();
  return slices;
}

// Duration (seconds, per ffprobe) of `paths` remuxed into one MP4 by ffmpeg's concat protocol:
// the reference for a composition of consecutive slices.
inline double RemuxedDuration(const std::string& dir, const std::vector<std::string>& paths) {
  std::string input = "concat:";
  for (size_t i = 0; i < paths.size(); ++i) input += (i ? "|" : "") + paths[i];
  const std::string out = dir + "/reference.mp4";
  EXPECT_EQ(RunCommand("ffmpeg -v error -y -i '" + input + "' -c copy '" + out + "'"), 0);
  auto text = Capture("ffprobe -v error -show_entries format=duration -of csv=p=0 '" + out + "'");
  return text ? std::stod(*text) : 0;
}

// The types of the top-level boxes of an ISO BMFF file (ISO/IEC 14496-12 §4.2), in order.
inline std::vector<std::string> TopLevelBoxes(const std::vector<uint8_t>& file) {
  std::vector<std::string> boxes;
  size_t pos = 0;
  while (pos + 8 <= file.size()) {
    uint64_t size =
        (uint64_t{file[pos]} << 24) | (file[pos + 1] << 16) | (file[pos + 2] << 8) | file[pos + 3];
    boxes.emplace_back(reinterpret_cast<const char*>(&file[pos + 4]), 4);
    if (size == 1 && pos + 16 <= file.size()) {  // 64-bit largesize follows the type
      size = 0;
      for (int i = 0; i < 8; ++i) size = (size << 8) | file[pos + 8 + static_cast<size_t>(i)];
    }
    if (size < 8) break;  // 0 = to the end of the file
    pos += size;
  }
  return boxes;
}

// The AMF0 number (FLV spec annex E.4.4.1 / AMF0 §2.2) stored under `name` in the first
// script data tag, or nullopt.
inline std::optional<double> FlvMetadataNumber(const std::vector<uint8_t>& file,
                                               const std::string& name) {
  std::string key;
  key += static_cast<char>(0);
  key += static_cast<char>(name.size());
  key += name;
  key += static_cast<char>(0);  // AMF0 number marker
  const std::string bytes(file.begin(), file.end());
  const size_t at = bytes.find(key);
  if (at == std::string::npos || at + key.size() + 8 > bytes.size()) return std::nullopt;
  uint64_t bits = 0;
  for (size_t i = 0; i < 8; ++i) bits = (bits << 8) | file[at + key.size() + i];
  return std::bit_cast<double>(bits);
}

// DTS of every packet of the stream `selector` ("v:0", "a:0"), in seconds, in file order.
inline std::vector<double> PacketDts(const std::string& path, const std::string& selector) {
  auto out = Capture("ffprobe -v error -select_streams " + selector +
                     " -show_entries packet=dts_time -of csv=p=0 '" + path + "'");
  std::vector<double> dts;
  if (!out) return dts;
  std::istringstream lines(*out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line != "N/A") dts.push_back(std::stod(line));
  }
  return dts;
}

}  // namespace liverec::media::compose::test_support
