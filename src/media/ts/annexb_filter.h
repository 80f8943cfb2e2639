// AnnexbFilter: runs libavcodec's h264_mp4toannexb / hevc_mp4toannexb bitstream filter, which
// turns length-prefixed NAL units (ISO/IEC 14496-15) into Annex B byte streams (start codes)
// and puts the parameter sets of the configuration record in front of every keyframe (IDR /
// IRAP), as MPEG-TS needs (ISO/IEC 13818-1 §2.14 / §2.17). Thread-safety: none.
#pragma once

#include <functional>
#include <memory>

#include "base/status.h"
#include "media/media_packet.h"

struct AVBSFContext;
struct AVCodecParameters;
struct AVPacket;

namespace liverec::media::ts {

class AnnexbFilter {
 public:
  // `config` is an H.264 or HEVC config with its decoder configuration record; timestamps of
  // packets are in `time_base_den`ths of a second. kMediaUnsupported for other codecs,
  // kMuxerFailure when libavcodec rejects the record.
  static Result<std::unique_ptr<AnnexbFilter>> Create(const CodecConfig& config, int time_base_den);
  ~AnnexbFilter();
  AnnexbFilter(const AnnexbFilter&) = delete;
  AnnexbFilter& operator=(const AnnexbFilter&) = delete;

  // The output stream's parameters: Annex B extradata (parameter sets with start codes).
  const AVCodecParameters* output_parameters() const;

  // Filters `packet` (its reference is taken; it is blank afterwards) and hands every output
  // packet to `emit`, stopping at the first failure.
  Status Filter(AVPacket* packet, const std::function<Status(AVPacket*)>& emit);

 private:
  explicit AnnexbFilter(AVBSFContext* context, AVPacket* output)
      : context_(context), output_(output) {}

  AVBSFContext* context_;
  AVPacket* output_;
};

}  // namespace liverec::media::ts
