// POSIX helpers for LocalObjectStore: an owning file descriptor, whole writes and copies that
// turn errno (ENOSPC, EIO, ...) into a StorageFailure Status naming the file, and directory
// fsync. Outside input such as a full disk is reported, never asserted on.
// Thread-safety: free functions without shared state; a UniqueFd is owned by one thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

namespace liverec::storage {

// Owns a file descriptor and closes it on destruction (errors of that close are ignored; call
// Close() where they matter, e.g. after writing).
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int Get() const { return fd_; }
  bool Valid() const { return fd_ >= 0; }
  int Release();
  // Closes now and returns the errno of close(2), or 0.
  int Close();

 private:
  int fd_ = -1;
};

// StorageFailure whose detail reads "<what> <path>: <strerror(err)>".
Status StorageError(std::string_view what, std::string_view path, int err);

// Writes all of `bytes` to `fd` (retrying short writes and EINTR). `path` names the file in errors.
Status WriteAll(int fd, std::span<const uint8_t> bytes, std::string_view path);

// Copies from the current offset of `in` up to its end into `out` without holding the file in
// memory: copy_file_range(2) where the kernel and filesystems allow it, else read/write through
// a 1 MiB buffer. The paths name the files in errors.
Status CopyToEnd(int in, std::string_view in_path, int out, std::string_view out_path);

// Moves `from` to `to` unless `to` exists, atomically, so a concurrent writer can never be
// overwritten: renameat2(RENAME_NOREPLACE), or LinkThenUnlink where the filesystem lacks that
// flag. Returns 0 or the errno (EEXIST: `to` exists; ENOENT: a directory of `to` is missing;
// ENOTDIR: a "directory" of `to` is a file).
int RenameNoReplace(const std::string& from, const std::string& to);

// link(2) `from` as `to` (which refuses an existing `to`), then unlink(2) `from`. A failed unlink
// leaves `from` behind but still returns 0: the move itself happened.
int LinkThenUnlink(const std::string& from, const std::string& to);

// Opens `dir` and fsyncs it, so entries created or renamed in it survive a crash.
Status SyncDirectory(const std::string& dir);

}  // namespace liverec::storage
