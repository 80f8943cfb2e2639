#include "net/accept_backoff.h"

#include <algorithm>

#include <fmt/format.h>

namespace liverec::net {

AcceptBackoff::Step AcceptBackoff::OnFailure(int64_t now_ms, const std::string& error) {
  Step step{next_pause_, std::nullopt};
  next_pause_ = std::min(next_pause_ * 2, kMaxPause);
  if (failures_++ == 0) {
    run_start_ms_ = now_ms;
    last_log_ms_ = now_ms;
    unlogged_ = 0;
    step.log = fmt::format(
        "{}: accept failed: {}; pausing new connections ({} ms, doubling to {} ms) until it "
        "works again; repeats are summarized every {} s",
        name_, error, step.pause.count(), kMaxPause.count(), kSummaryIntervalMs / 1000);
    return step;
  }
  ++unlogged_;
  if (now_ms - last_log_ms_ >= kSummaryIntervalMs) {
    step.log = fmt::format("{}: accept failed {} more times in the last {} s: {}", name_, unlogged_,
                           (now_ms - last_log_ms_ + 500) / 1000, error);
    last_log_ms_ = now_ms;
    unlogged_ = 0;
  }
  return step;
}

std::optional<std::string> AcceptBackoff::OnSuccess(int64_t now_ms) {
  next_pause_ = kFirstPause;
  if (failures_ == 0) return std::nullopt;
  std::string line = fmt::format("{}: accepting connections again after {} failed accepts in {} s",
                                 name_, failures_, (now_ms - run_start_ms_ + 500) / 1000);
  failures_ = 0;
  unlogged_ = 0;
  return line;
}

}  // namespace liverec::net
