// For the C++ benches (bench/ts_muxer, bench/compose): the media of an FLV file as liverec's RTMP
// ingest parses it (FlvFileReader, then FlvTagParser): the codec configurations and the packets
// in order. Header-only; no error handling beyond "no packets" (a bench input is made by ffmpeg).
#pragma once

#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "media/flv/flv_file_reader.h"
#include "media/flv/flv_tag_parser.h"
#include "media/media_packet.h"

namespace liverec::bench {

struct FlvMedia {
  std::optional<media::CodecConfig> video;
  std::optional<media::CodecConfig> audio;
  std::vector<media::MediaPacket> packets;
};

inline FlvMedia ReadFlvMedia(const std::string& path) {
  FlvMedia out;
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  media::flv::FlvFileReader reader;
  media::flv::FlvTagParser parser;
  reader.Feed(bytes);
  while (auto tag = reader.Next()) {
    if (tag->type == media::flv::FlvTagType::kScriptData) continue;
    auto result = tag->type == media::flv::FlvTagType::kVideo
                      ? parser.ParseVideo(tag->body, tag->timestamp_ms)
                      : parser.ParseAudio(tag->body, tag->timestamp_ms);
    if (result && result->packet) out.packets.push_back(std::move(*result->packet));
  }
  out.video = parser.video_config();
  out.audio = parser.audio_config();
  return out;
}

}  // namespace liverec::bench
