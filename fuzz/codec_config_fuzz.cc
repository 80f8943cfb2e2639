// The codec configuration parsers behind an FLV sequence header, one by one, so that each gets
// the whole input: AudioSpecificConfig, AVC and HEVC decoder configuration records, H.264 and
// HEVC SPS, MPEG audio headers, the FLV video tag header, NAL unit length rewriting and
// emulation-prevention removal (media/flv/).
// Input: 1 byte choosing the parser, then its bytes.
// Properties: no crash or undefined behaviour; what parses is within the spec's bounds (picture
// sizes non-negative, NAL length sizes 1, 2 or 4, channel counts of Table 1.19: up to 24);
// rewritten NAL units tile their output with 4-byte lengths; RBSP is never longer than the NAL.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_support.h"
#include "media/flv/aac_config.h"
#include "media/flv/avc_config.h"
#include "media/flv/flv_video_header.h"
#include "media/flv/h264_sps.h"
#include "media/flv/hevc_config.h"
#include "media/flv/hevc_sps.h"
#include "media/flv/mp3_header.h"
#include "media/flv/nal_units.h"

using namespace liverec::media::flv;

namespace {

void CheckVideoConfig(const liverec::Result<VideoConfigInfo>& info) {
  if (!info) return;
  FUZZ_CHECK(info->nal_length_size == 1 || info->nal_length_size == 2 ||
             info->nal_length_size == 4);
  FUZZ_CHECK(info->size.width >= 0 && info->size.height >= 0);
}

void CheckPicture(const liverec::Result<PictureSize>& size) {
  if (size) FUZZ_CHECK(size->width >= 0 && size->height >= 0);
}

// Four-byte lengths that add up to the whole buffer, none of them zero.
void CheckFourByteFraming(const std::vector<uint8_t>& out) {
  size_t at = 0;
  while (at < out.size()) {
    FUZZ_CHECK(out.size() - at >= 4);
    uint32_t length =
        (uint32_t{out[at]} << 24) | (out[at + 1] << 16) | (out[at + 2] << 8) | out[at + 3];
    FUZZ_CHECK(length > 0 && length <= out.size() - at - 4);
    at += 4 + length;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::span<const uint8_t> body(data + 1, size - 1);
  switch (data[0] % 9) {
    case 0: {
      auto aac = ParseAacConfig(body);
      if (aac) FUZZ_CHECK(aac->sample_rate > 0 && aac->channels >= 0 && aac->channels <= 24);
      break;
    }
    case 1:
      CheckVideoConfig(ParseAvcDecoderConfig(body));
      break;
    case 2:
      CheckVideoConfig(ParseHevcDecoderConfig(body));
      break;
    case 3:
      CheckPicture(ParseH264SpsSize(body));
      break;
    case 4:
      CheckPicture(ParseHevcSpsSize(body));
      break;
    case 5: {
      auto mp3 = ParseMp3Header(body);
      if (mp3) FUZZ_CHECK(mp3->sample_rate >= 8000 && (mp3->channels == 1 || mp3->channels == 2));
      break;
    }
    case 6: {
      auto header = ReadFlvVideoHeader(body);
      if (header && !header->payload.empty()) {
        FUZZ_CHECK(header->payload.data() >= body.data());
        FUZZ_CHECK(header->payload.data() + header->payload.size() <= body.data() + body.size());
      }
      break;
    }
    case 7: {
      int length_size = (data[0] / 9) % 4 + 1;
      auto out = ToFourByteLengths(body, length_size);
      if (out) CheckFourByteFraming(*out);
      break;
    }
    case 8:
      FUZZ_CHECK(RemoveEmulationPrevention(body).size() <= body.size());
      break;
  }
  return 0;
}
