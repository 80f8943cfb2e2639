// FLV files (media/flv/flv_file_reader.h) and FLV tag bodies (media/flv/flv_tag_parser.h: video
// and audio headers, Enhanced RTMP, AVC/HEVC/AAC configuration records, SPS, MP3 headers, NAL
// unit framing), then the TS slice writer (media/ts/) that records what was parsed: the media
// half of the ingest chain, without the RTMP framing (RTMP messages carry FLV tag bodies).
// Input: an FLV file, fed in reads of a size chosen by its 9-byte header's last byte.
// Properties: no crash, leak or undefined behaviour; a tag's body is as long as its header says
// (at most 2^24 - 1 bytes); a parse error leaves the parser's configurations unchanged (its
// contract); every slice written is whole TS packets (TsChain).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_support.h"
#include "fuzz/ts_chain.h"
#include "media/flv/flv_file_reader.h"
#include "media/flv/flv_tag_parser.h"
#include "media/rtmp/amf0.h"

using namespace liverec;
using media::flv::FlvTagType;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietLogs();
  fuzz::QuietLibav();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint32_t seed = size > 8 ? data[8] : 0;
  media::flv::FlvFileReader reader;
  media::flv::FlvTagParser parser;
  fuzz::TsChain chain;
  for (auto piece : fuzz::SplitPieces(std::span(data, size), seed, 8192)) {
    reader.Feed(piece);
    while (true) {
      auto tag = reader.Next();
      if (!tag) break;
      FUZZ_CHECK(tag->body.size() < (1u << 24));
      if (tag->type == FlvTagType::kScriptData) {
        (void)media::rtmp::DecodeAmf0(tag->body);
        continue;
      }
      auto video_before = parser.video_config();
      auto audio_before = parser.audio_config();
      auto parsed = tag->type == FlvTagType::kVideo
                        ? parser.ParseVideo(tag->body, tag->timestamp_ms)
                        : parser.ParseAudio(tag->body, tag->timestamp_ms);
      if (!parsed) {
        FUZZ_CHECK(parser.video_config() == video_before);
        FUZZ_CHECK(parser.audio_config() == audio_before);
        continue;
      }
      if (parsed->packet)
        chain.Write(*parsed->packet, parser.video_config(), parser.audio_config());
    }
  }
  return 0;
}
