// Descriptor limits: raising RLIMIT_NOFILE at start-up, the share of descriptors each listener
// may hold, and a spare descriptor to shed one connection when the process is out of them.
// Thread-safety: RaiseOpenFileLimit at start-up only; the rest is plain arithmetic, or (the
// spare) owned by one accept loop.
#pragma once

#include <cstdint>

#include "base/status.h"

namespace liverec::net {

struct OpenFileLimit {
  int64_t before = 0;  // soft limit found at start
  int64_t soft = 0;    // soft limit now
  int64_t hard = 0;
};

// Raises the soft RLIMIT_NOFILE to the hard limit (capped at what the kernel accepts) and
// returns the limits. Errors only when the limit cannot be read.
Result<OpenFileLimit> RaiseOpenFileLimit();

// Descriptors kept out of every listener's share: the database, logs, spool and slice files,
// uploads, callbacks, the spare descriptors.
inline constexpr int64_t kReservedDescriptors = 64;

// The connections a listener may hold: `configured`, but at most (limit - reserved) / divisor,
// and at least 1. HTTP uses divisor 2, RTMP 4 (a publisher also holds slice files).
int64_t ConnectionBudget(int64_t configured, int64_t open_file_limit, int64_t divisor);

// One descriptor held in reserve (on /dev/null). When accept fails for want of descriptors,
// ShedOne closes it, accepts one pending connection of `listen_fd` and closes it at once (the
// client sees the connection closed instead of hanging in the backlog), and takes the reserve
// back. Not thread-safe; one per accept loop.
class SpareDescriptor {
 public:
  SpareDescriptor();
  ~SpareDescriptor();
  SpareDescriptor(const SpareDescriptor&) = delete;
  SpareDescriptor& operator=(const SpareDescriptor&) = delete;

  // Whether a pending connection was shed.
  bool ShedOne(int listen_fd);
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Whether an accept error means the process or system is out of descriptors or memory.
bool IsOutOfDescriptors(int error_value);

}  // namespace liverec::net
