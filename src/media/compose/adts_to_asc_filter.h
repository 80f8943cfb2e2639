// AdtsToAscFilter: runs libavcodec's aac_adtstoasc bitstream filter, which strips the ADTS
// header (ISO/IEC 13818-7 §6.2 / ISO/IEC 14496-3 §1.A.2) from every AAC frame of an MPEG-TS
// track and derives the AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1) that MP4 and FLV want
// as decoder configuration instead. Thread-safety: none.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "base/status.h"

struct AVBSFContext;
struct AVCodecParameters;
struct AVPacket;

namespace liverec::media::compose {

class AdtsToAscFilter {
 public:
  // `parameters` of the ADTS track. kMuxerFailure when libavcodec cannot set the filter up.
  static Result<std::unique_ptr<AdtsToAscFilter>> Create(const AVCodecParameters* parameters);
  ~AdtsToAscFilter();
  AdtsToAscFilter(const AdtsToAscFilter&) = delete;
  AdtsToAscFilter& operator=(const AdtsToAscFilter&) = delete;

  // The AudioSpecificConfig of the ADTS frame in `packet` (not modified). Call before the
  // first Filter. kMediaMalformed when the packet is not a valid ADTS frame.
  Result<std::vector<uint8_t>> ConfigFrom(const AVPacket* packet);

  // Filters `packet` (its reference is taken) and hands each raw AAC frame to `emit`.
  Status Filter(AVPacket* packet, const std::function<Status(AVPacket*)>& emit);

 private:
  AdtsToAscFilter(AVBSFContext* context, AVPacket* output) : context_(context), output_(output) {}

  AVBSFContext* context_;
  AVPacket* output_;
};

}  // namespace liverec::media::compose
