#include "media/compose/positional_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace liverec::media::compose {

Status FileError(const std::string& path, const std::string& what, int error) {
  return Status(ErrorCode::kStorageFailure, {}, path + ": " + what + ": " + std::strerror(error));
}

Status WriteAllAt(int fd, const std::string& path, std::span<const uint8_t> bytes, uint64_t at) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return FileError(path, "write", n < 0 ? errno : ENOSPC);
    bytes = bytes.subspan(static_cast<size_t>(n));
    at += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status ReadAllAt(int fd, const std::string& path, std::span<uint8_t> bytes, uint64_t at) {
  while (!bytes.empty()) {
    const ssize_t n = ::pread(fd, bytes.data(), bytes.size(), static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return FileError(path, "read", n < 0 ? errno : EIO);
    bytes = bytes.subspan(static_cast<size_t>(n));
    at += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

}  // namespace liverec::media::compose
