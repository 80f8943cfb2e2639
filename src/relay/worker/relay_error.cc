#include "relay/worker/relay_error.h"

extern "C" {
#include <libavutil/error.h>
}

namespace liverec::relay::worker {

std::string_view FailureName(RelayFailure failure) {
  switch (failure) {
    case RelayFailure::kPullStreamFailed:
      return "PullStreamFailed";
    case RelayFailure::kPushStreamFailed:
      return "PushStreamFailed";
    case RelayFailure::kUnknownError:
      break;
  }
  return "UnknownError";
}

std::string AvErrorText(int av_error) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(av_error, text, sizeof(text));
  return text;
}

}  // namespace liverec::relay::worker
