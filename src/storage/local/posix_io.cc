#include "storage/local/posix_io.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE (glibc >= 2.28)
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <vector>

#include <fmt/format.h>
namespace liverec::storage {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = other.Release();
  }
  return *this;
}

UniqueFd::~UniqueFd() { Close(); }

int UniqueFd::Release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

int UniqueFd::Close() {
  if (fd_ < 0) return 0;
  // Linux closes the descriptor even when close(2) fails, so it is never retried.
  int rc = ::close(Release());
  return rc == 0 ? 0 : errno;
}

Status StorageError(std::string_view what, std::string_view path, int err) {
  return Status(ErrorCode::kStorageFailure, {},
                fmt::format("{} {}: {}", what, path, std::generic_category().message(err)));
}

Status WriteAll(int fd, std::span<const uint8_t> bytes, std::string_view path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return StorageError("write", path, errno);
    }
    if (n == 0) return StorageError("write", path, EIO);
    bytes = bytes.subspan(static_cast<size_t>(n));
  }
  return Status::Ok();
}

namespace {

constexpr size_t kCopyChunkBytes = 1 << 20;

// copy_file_range until the end of `in`. Sets `*unsupported` when the kernel or the filesystems
// cannot do it here (the caller then falls back to read/write from the current offsets).
Status CopyInKernel(int in, std::string_view in_path, int out, std::string_view out_path,
                    bool* unsupported) {
  for (;;) {
    ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, kCopyChunkBytes, 0);
    if (n == 0) return Status::Ok();
    if (n > 0) continue;
    if (errno == EINTR) continue;
    if (errno == ENOSYS || errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP ||
        errno == EBADF || errno == EPERM) {
      *unsupported = true;
      return Status::Ok();
    }
    return StorageError("copy " + std::string(in_path) + " to", out_path, errno);
  }
}

Status CopyThroughBuffer(int in, std::string_view in_path, int out, std::string_view out_path) {
  std::vector<uint8_t> buffer(kCopyChunkBytes);
  for (;;) {
    ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n == 0) return Status::Ok();
    if (n < 0) {
      if (errno == EINTR) continue;
      return StorageError("read", in_path, errno);
    }
    Status written = WriteAll(out, std::span(buffer.data(), static_cast<size_t>(n)), out_path);
    if (!written.ok()) return written;
  }
}

}  // namespace

Status CopyToEnd(int in, std::string_view in_path, int out, std::string_view out_path) {
  bool unsupported = false;
  Status copied = CopyInKernel(in, in_path, out, out_path, &unsupported);
  if (!copied.ok() || !unsupported) return copied;
  return CopyThroughBuffer(in, in_path, out, out_path);
}

int RenameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) return errno;
  return LinkThenUnlink(from, to);
}

int LinkThenUnlink(const std::string& from, const std::string& to) {
  if (::link(from.c_str(), to.c_str()) != 0) return errno;
  ::unlink(from.c_str());  // a leftover is only a stray staging file, never an object
  return 0;
}

Status SyncDirectory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.Valid()) return StorageError("open directory", dir, errno);
  if (::fsync(fd.Get()) != 0) return StorageError("fsync directory", dir, errno);
  return Status::Ok();
}

}  // namespace liverec::storage
