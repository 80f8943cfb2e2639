#include "media/media_packet.h"

namespace liverec::media {

std::string_view CodecName(CodecId codec) {
  switch (codec) {
    case CodecId::kH264:
      return "h264";
    case CodecId::kHevc:
      return "hevc";
    case CodecId::kAac:
      return "aac";
    case CodecId::kMp3:
      return "mp3";
    default:
      return "unknown";
  }
}

}  // namespace liverec::media
