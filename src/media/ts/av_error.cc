#include "media/ts/av_error.h"

#include <string>

extern "C" {
#include <libavutil/error.h>
}

namespace liverec::media::ts {

Status AvError(int av_error, std::string_view what) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(av_error, text, sizeof(text));
  return Status(ErrorCode::kMuxerFailure, {}, std::string(what) + ": " + text);
}

}  // namespace liverec::media::ts
