// MemoryFlv: an FLV file read once into memory for liverec-loadpub. Every tag body lives in
// one buffer; the tag list holds views into it, so N publishers share one copy and sending a
// tag allocates nothing. Timestamps are rebased so that the first tag is at 0 ms, and
// loop_duration_ms() says where the next pass of a looped replay starts (the last timestamp
// plus one video frame interval). Parsing is media::flv::FlvFileReader's (Adobe FLV spec
// v10.1 §E.4). Thread-safety: immutable after Load; share freely between threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "media/flv/flv_file_reader.h"

namespace liverec::loadpub {

using media::flv::FlvTagType;

struct MemoryTag {
  FlvTagType type = FlvTagType::kScriptData;
  int64_t timestamp_ms = 0;  // rebased: the first tag of the file is at 0
  uint32_t offset = 0;       // body position in MemoryFlv's buffer
  uint32_t size = 0;
  bool keyframe = false;         // video frame type 1 (§E.4.3.1)
  bool sequence_header = false;  // AVC/HEVC decoder configuration or AAC AudioSpecificConfig
};

class MemoryFlv {
 public:
  // Reads and parses the whole file. Fails on an unreadable or malformed file, or one without
  // audio or video tags.
  static Result<MemoryFlv> Load(const std::string& path);

  const std::vector<MemoryTag>& tags() const { return tags_; }
  std::span<const uint8_t> Body(const MemoryTag& tag) const {
    return std::span<const uint8_t>(bodies_).subspan(tag.offset, tag.size);
  }
  int64_t loop_duration_ms() const { return loop_duration_ms_; }
  // Bytes of media (audio + video bodies) in one pass, for reports.
  uint64_t media_bytes() const { return media_bytes_; }

 private:
  void Add(const media::flv::FlvTag& tag);
  void Finish();

  std::vector<uint8_t> bodies_;
  std::vector<MemoryTag> tags_;
  int64_t loop_duration_ms_ = 0;
  uint64_t media_bytes_ = 0;
};

}  // namespace liverec::loadpub
