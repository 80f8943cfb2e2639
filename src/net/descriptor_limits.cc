#include "net/descriptor_limits.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

namespace liverec::net {

Result<OpenFileLimit> RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return Error(ErrorCode::kInternalError, "",
                 fmt::format("getrlimit(RLIMIT_NOFILE): {}", strerror(errno)));
  }
  OpenFileLimit out;
  out.before = static_cast<int64_t>(limit.rlim_cur);
  out.hard = limit.rlim_max == RLIM_INFINITY ? -1 : static_cast<int64_t>(limit.rlim_max);
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    // An infinite hard limit is refused for RLIMIT_NOFILE; nr_open (commonly 1 048 576) is not.
    if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
      raised.rlim_cur = std::min<rlim_t>(limit.rlim_max, 1'048'576);
      (void)setrlimit(RLIMIT_NOFILE, &raised);
    }
    (void)getrlimit(RLIMIT_NOFILE, &limit);
  }
  out.soft = static_cast<int64_t>(limit.rlim_cur);
  return out;
}

int64_t ConnectionBudget(int64_t configured, int64_t open_file_limit, int64_t divisor) {
  int64_t share = (open_file_limit - kReservedDescriptors) / std::max<int64_t>(divisor, 1);
  return std::max<int64_t>(1, std::min(configured, share));
}

SpareDescriptor::SpareDescriptor() { fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

SpareDescriptor::~SpareDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

bool SpareDescriptor::ShedOne(int listen_fd) {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  int client = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (client >= 0) ::close(client);
  fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return client >= 0;
}

bool IsOutOfDescriptors(int error_value) {
  return error_value == EMFILE || error_value == ENFILE || error_value == ENOBUFS ||
         error_value == ENOMEM;
}

}  // namespace liverec::net
