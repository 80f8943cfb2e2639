// OpenBeneath: opens a file named by a path relative to a directory without ever leaving that
// directory and without following any symbolic link on the way, so a link planted inside a bucket
// (to `/etc/passwd`, to the database, to a folder outside) cannot be read through it.
//
// It uses openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS (Linux >= 5.6). Where the kernel
// lacks openat2 (ENOSYS), or a seccomp filter refuses it (EPERM), it walks the path one component
// at a time with openat(O_NOFOLLOW | O_DIRECTORY), which gives the same answer. The directory
// itself (the bucket root) may be a link: the operator chose it.
// Thread-safety: a free function without shared state.
#pragma once

#include <string>

#include "storage/local/posix_io.h"

namespace liverec::storage {

// Opens `relative` ("a/b/c.ts": no leading '/', no "." or ".." component, no empty component)
// beneath the directory `root` with `flags` (O_CLOEXEC and O_NOFOLLOW are added). Returns the
// descriptor, or an invalid UniqueFd with errno set: ELOOP when a component is a symbolic link,
// EXDEV when the path would leave `root`, ENOENT / ENOTDIR as open(2) says.
UniqueFd OpenBeneath(const std::string& root, const std::string& relative, int flags);

// The same, without openat2: the per-component walk (exposed so tests cover the fallback).
UniqueFd OpenBeneathByWalkForTest(const std::string& root, const std::string& relative, int flags);

}  // namespace liverec::storage
