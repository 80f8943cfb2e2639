// Digests of request bodies for S3: SHA-256 (hex) for SigV4's x-amz-content-sha256, MD5 for
// Content-MD5 (the service checks it) and ETags. Files are read in 1 MiB blocks, never whole.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

namespace liverec::storage {

struct PayloadDigest {
  std::string sha256_hex;  // lower-case hex
  std::string md5;         // 16 raw bytes

  std::string Md5Base64() const;  // Content-MD5
  std::string Md5Hex() const;     // the ETag of a single-part object
};

PayloadDigest DigestBytes(std::span<const uint8_t> bytes);

// The bytes [offset, offset + length) of the open file `fd`; `path` names it in errors. A file
// shorter than that is a StorageFailure.
Result<PayloadDigest> DigestFileRange(int fd, uint64_t offset, uint64_t length,
                                      std::string_view path);

// The ETag S3 gives a multipart object: hex MD5 of the parts' raw MD5s, "-", the part count.
std::string MultipartEtag(std::span<const std::string> part_md5s);

}  // namespace liverec::storage
