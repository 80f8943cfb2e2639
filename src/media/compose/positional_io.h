// Whole positional reads and writes (pread/pwrite, retrying short transfers and EINTR) for the
// composer's working files; errors are StorageFailure "<path>: <what>: <strerror>".
// Thread-safety: free functions without shared state.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "base/status.h"

namespace liverec::media::compose {

Status FileError(const std::string& path, const std::string& what, int error);

// All of `bytes` at `at` of `fd`; `path` names the file in errors.
Status WriteAllAt(int fd, const std::string& path, std::span<const uint8_t> bytes, uint64_t at);
// All of `bytes` from `at` of `fd` (end of file before that is an error, EIO).
Status ReadAllAt(int fd, const std::string& path, std::span<uint8_t> bytes, uint64_t at);

}  // namespace liverec::media::compose
