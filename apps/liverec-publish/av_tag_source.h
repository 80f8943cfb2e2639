// AvTagSource: FLV tags built from a file libavformat demuxes (MP4, MKV, ...) with H.264 or
// HEVC video and AAC audio, either optional. The first tags are onMetaData and the sequence
// headers; then one tag per packet in the file's order. Decode timestamps are shifted so none
// is negative. Video must be stored as in MP4 (avcC/hvcC extradata, length-prefixed NAL units);
// Annex B streams (MPEG-TS, raw .h264) are reported as unsupported.
// Thread-safety: none.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "flv_tag_builder.h"
#include "tag_source.h"

struct AVFormatContext;
struct AVPacket;

namespace liverec::publish {

enum class HevcMode { kCodec12, kEnhanced };

class AvTagSource final : public TagSource {
 public:
  static Result<std::unique_ptr<AvTagSource>> Open(const std::string& path, HevcMode hevc_mode);
  ~AvTagSource() override;

  Result<std::optional<FlvTag>> Next() override;
  Status Rewind() override;

 private:
  AvTagSource(std::string path, HevcMode hevc_mode)
      : path_(std::move(path)), hevc_mode_(hevc_mode) {}
  Status OpenInput();
  void Close();
  Status CheckStreams();
  void QueueHeaders();
  std::optional<FlvTag> TagFor(const AVPacket& packet);
  Result<bool> ReadPacket();  // false at the end of the file
  Status ChooseOffset();
  void DateHeldVideo(std::optional<int64_t> next_dts);
  int64_t ToMs(int64_t value, int stream_index) const;

  std::string path_;
  HevcMode hevc_mode_;
  AVFormatContext* format_ = nullptr;
  AVPacket* packet_ = nullptr;
  int video_index_ = -1;
  int audio_index_ = -1;
  VideoTagStyle video_style_ = VideoTagStyle::kAvc;
  static constexpr size_t kMaxHeldPackets = 16;
  std::vector<AVPacket*> held_;  // video packets without a DTS yet
  std::deque<FlvTag> headers_;   // onMetaData and sequence headers, sent first
  std::deque<FlvTag> packets_;   // read ahead, timestamps not yet shifted
  int64_t offset_ms_ = 0;        // added to every timestamp so that none is negative
  bool offset_set_ = false;
};

}  // namespace liverec::publish
