// RetryPolicy: when a failed callback is tried again, and when liverec gives up
// (docs/callbacks.md). After the n-th failed attempt the next one waits
// initial_backoff_ms * 2^(n-1), capped at max_backoff_ms. liverec gives up only once at least
// min_attempts were made AND the next attempt would fall later than horizon_ms after the event
// was created. Defaults: 1 s, 2 s, 4 s, ... up to 10 min, for 24 h (at least 5 attempts, as the
// cloud service makes). Thread-safety: a plain value and pure functions.
#pragma once

#include <cstdint>
#include <optional>

namespace liverec::callbacks {

struct RetryPolicy {
  int64_t initial_backoff_ms = 1000;
  int64_t max_backoff_ms = 600'000;
  int64_t min_attempts = 5;
  int64_t horizon_ms = 24 * 3600'000LL;
};

// The wait after `failed_attempts` (>= 1) failed attempts.
int64_t BackoffMs(const RetryPolicy& policy, int64_t failed_attempts);

// When to try again after the `failed_attempts`-th failure at `now_ms` of an event created at
// `created_ms`; nullopt: give up.
std::optional<int64_t> NextAttemptMs(const RetryPolicy& policy, int64_t failed_attempts,
                                     int64_t created_ms, int64_t now_ms);

}  // namespace liverec::callbacks
