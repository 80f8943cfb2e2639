#include "callbacks/retry_policy.h"

#include <algorithm>

namespace liverec::callbacks {

int64_t BackoffMs(const RetryPolicy& policy, int64_t failed_attempts) {
  int64_t wait = std::max<int64_t>(policy.initial_backoff_ms, 1);
  for (int64_t i = 1; i < failed_attempts && wait < policy.max_backoff_ms; ++i) wait *= 2;
  return std::min(wait, policy.max_backoff_ms);
}

std::optional<int64_t> NextAttemptMs(const RetryPolicy& policy, int64_t failed_attempts,
                                     int64_t created_ms, int64_t now_ms) {
  int64_t next = now_ms + BackoffMs(policy, failed_attempts);
  if (failed_attempts >= policy.min_attempts && next > created_ms + policy.horizon_ms) {
    return std::nullopt;
  }
  return next;
}

}  // namespace liverec::callbacks
