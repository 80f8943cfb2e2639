#include "memory_flv.h"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace liverec::loadpub {
namespace {

// §E.4.3.1 VIDEODATA: FrameType in the high nibble (1 = keyframe); for AVC (CodecID 7) and
// HEVC (12) AVCPacketType 0 is the decoder configuration. Enhanced RTMP (IsExHeader, the high
// bit) puts a PacketType in the low nibble: 0 = SequenceStart.
bool IsVideoSequenceHeader(std::span<const uint8_t> body) {
  if (body.empty()) return false;
  if (body[0] & 0x80) return (body[0] & 0x0f) == 0;
  uint8_t codec = body[0] & 0x0f;
  return (codec == 7 || codec == 12) && body.size() > 1 && body[1] == 0;
}

// §E.4.2.1 AUDIODATA: SoundFormat 10 (AAC) with AACPacketType 0 is the AudioSpecificConfig.
bool IsAudioSequenceHeader(std::span<const uint8_t> body) {
  return body.size() > 1 && (body[0] >> 4) == 10 && body[1] == 0;
}

}  // namespace

Result<MemoryFlv> MemoryFlv::Load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error(ErrorCode::kInvalidParameter, "input", "cannot open " + path);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                             std::istreambuf_iterator<char>());
  media::flv::FlvFileReader reader;
  reader.Feed(bytes);
  MemoryFlv flv;
  flv.bodies_.reserve(bytes.size());
  while (true) {
    auto tag = reader.Next();
    if (!tag) {
      if (tag.error().code() == ErrorCode::kMediaNeedMoreData) break;  // end of the file
      return Error(tag.error().WithContext(path));
    }
    flv.Add(*tag);
  }
  if (flv.media_bytes_ == 0) {
    return Error(ErrorCode::kInvalidParameter, "input", path + " has no audio or video tags");
  }
  flv.Finish();
  return flv;
}

void MemoryFlv::Add(const media::flv::FlvTag& tag) {
  MemoryTag entry;
  entry.type = tag.type;
  entry.timestamp_ms = tag.timestamp_ms;
  entry.offset = static_cast<uint32_t>(bodies_.size());
  entry.size = static_cast<uint32_t>(tag.body.size());
  if (tag.type == FlvTagType::kVideo) {
    entry.keyframe = !tag.body.empty() && (tag.body[0] >> 4 & 0x07) == 1;
    entry.sequence_header = IsVideoSequenceHeader(tag.body);
  } else if (tag.type == FlvTagType::kAudio) {
    entry.sequence_header = IsAudioSequenceHeader(tag.body);
  }
  if (tag.type != FlvTagType::kScriptData) media_bytes_ += tag.body.size();
  bodies_.insert(bodies_.end(), tag.body.begin(), tag.body.end());
  tags_.push_back(entry);
}

// Rebases the timestamps (tags keep file order) and derives the loop duration from the median
// interval between video frames (40 ms when there is no video).
void MemoryFlv::Finish() {
  int64_t first = tags_.front().timestamp_ms;
  int64_t last = 0;
  std::vector<int64_t> intervals;
  int64_t previous_video = -1;
  for (MemoryTag& tag : tags_) {
    tag.timestamp_ms = std::max<int64_t>(0, tag.timestamp_ms - first);
    last = std::max(last, tag.timestamp_ms);
    if (tag.type != FlvTagType::kVideo || tag.sequence_header) continue;
    if (previous_video >= 0 && tag.timestamp_ms > previous_video) {
      intervals.push_back(tag.timestamp_ms - previous_video);
    }
    previous_video = tag.timestamp_ms;
  }
  int64_t frame = 40;
  if (!intervals.empty()) {
    std::nth_element(intervals.begin(), intervals.begin() + intervals.size() / 2, intervals.end());
    frame = intervals[intervals.size() / 2];
  }
  loop_duration_ms_ = last + frame;
}

}  // namespace liverec::loadpub
