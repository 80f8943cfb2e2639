// RelayError: why one relay attempt stopped working, as the worker reports it: the public
// reason (TaskInvalidReason: PullStreamFailed / PushStreamFailed / UnknownError)
// and a detail for logs ("open rtmp://...: Connection refused").
// RelayResult<T> is the worker's fallible return type. The worker stays free of liverec's
// Status catalogue on purpose: none of these reasons is an API error.
// Thread-safety: plain values.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "relay/relay_runner.h"

namespace liverec::relay::worker {

struct RelayError {
  RelayFailure failure = RelayFailure::kUnknownError;
  std::string detail;
};

template <typename T>
using RelayResult = tl::expected<T, RelayError>;

inline tl::unexpected<RelayError> PullFailed(std::string detail) {
  return tl::unexpected<RelayError>({RelayFailure::kPullStreamFailed, std::move(detail)});
}
inline tl::unexpected<RelayError> PushFailed(std::string detail) {
  return tl::unexpected<RelayError>({RelayFailure::kPushStreamFailed, std::move(detail)});
}

// "PullStreamFailed" / "PushStreamFailed" / "UnknownError".
std::string_view FailureName(RelayFailure failure);

// av_strerror() of a libav error code.
std::string AvErrorText(int av_error);

}  // namespace liverec::relay::worker
