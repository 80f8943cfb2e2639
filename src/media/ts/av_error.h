// Turns libav* error codes (AVERROR) into liverec Status values. Thread-safe.
#pragma once

#include <string_view>

#include "base/status.h"

namespace liverec::media::ts {

// kMuxerFailure whose detail is "<what>: <av_strerror text>".
Status AvError(int av_error, std::string_view what);

}  // namespace liverec::media::ts
