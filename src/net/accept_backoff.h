// AcceptBackoff: what an accept loop does after a failed accept, as a policy without I/O.
//
// A failing accept (typically EMFILE/ENFILE: out of file descriptors) fails again at once while
// the pending connection stays in the backlog, so retrying straight away spins a core and floods
// the log. After a failure the loop pauses accepting for Pause() — 100 ms, doubling to 1 s while
// failures go on, back to 100 ms after a success — on a timer. Logging is bounded too: the first
// failure of a run is logged, then at most one summary per 10 s, and one line when accepting works
// again. Thread-safety: none; one accept loop owns one instance.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace liverec::net {

class AcceptBackoff {
 public:
  static constexpr std::chrono::milliseconds kFirstPause{100};
  static constexpr std::chrono::milliseconds kMaxPause{1000};
  static constexpr int64_t kSummaryIntervalMs = 10'000;

  struct Step {
    std::chrono::milliseconds pause;  // wait this long before the next accept
    std::optional<std::string> log;   // a line to log at warning level, if any
  };

  // `name` prefixes the log lines ("http", "rtmp").
  explicit AcceptBackoff(std::string name) : name_(std::move(name)) {}

  // An accept failed with `error` at `now_ms`.
  Step OnFailure(int64_t now_ms, const std::string& error);
  // An accept succeeded at `now_ms`: the pause starts over; returns a line to log (at info level)
  // when this ends a run of failures.
  std::optional<std::string> OnSuccess(int64_t now_ms);

  int64_t failures_in_run() const { return failures_; }

 private:
  std::string name_;
  std::chrono::milliseconds next_pause_ = kFirstPause;
  int64_t failures_ = 0;  // in the current run
  int64_t run_start_ms_ = 0;
  int64_t last_log_ms_ = 0;
  int64_t unlogged_ = 0;  // failures since the last line
};

}  // namespace liverec::net
