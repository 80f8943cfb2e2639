// ObjectStore: a bucket's objects, addressed by key (docs/object-keys.md). Implementations say
// their technology: LocalObjectStore (a directory), S3ObjectStore (an S3-compatible service).
//
// Contract for every implementation:
// - Put* is atomic: a reader sees the whole object or nothing (temp name outside the key space,
//   then rename / complete upload), and it is durable when Put returns OK (fsync of file and
//   directory for local).
// - An existing object is never overwritten: ObjectAlreadyExists. A key that would clash with
//   another (`a` vs `a/b`) is ObjectKeyConflict. An invalid key (storage::CheckObjectKey) is
//   InvalidObjectName. I/O failures are StorageFailure with the reason.
// - StorageFailure is transient: the same call may succeed later (IsTransientStorageError).
//   A remote service's refusals that will not pass by themselves have their own codes:
//   StorageAuthFailed, StorageAccessDenied, StorageBucketNotFound, StorageRequestRejected
//   (IsPermanentStorageError: with the key errors above, what repeating cannot fix).
// An implementation may weaken a guarantee only where its header says so (S3ObjectStore: the
// no-overwrite check on services that ignore If-None-Match; `a` and `a/b` may coexist).
// Thread-safety: all methods may be called from any thread. They block: call them from worker
// threads, never from an I/O thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"

namespace liverec::storage {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  int64_t modified_ms = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Stores the bytes of the local file `path` under `key` (the file is left in place).
  virtual Status PutFile(const std::string& key, const std::string& path) = 0;
  virtual Status PutBytes(const std::string& key, std::span<const uint8_t> bytes) = 0;
  // Stores `bytes` under `key`, replacing an object stored there (the one exception to "never
  // overwritten": overwrite-mode snapshots). As atomic and durable as PutBytes: a reader sees the
  // old object or the new one whole. A folder of that name is still ObjectKeyConflict.
  virtual Status ReplaceBytes(const std::string& key, std::span<const uint8_t> bytes) = 0;
  virtual Result<ObjectInfo> Head(const std::string& key) = 0;
  virtual Result<std::vector<uint8_t>> Get(const std::string& key) = 0;
  // Deleting a missing key is NoSuchKey.
  virtual Status Delete(const std::string& key) = 0;
};

// Whether `status` from an ObjectStore may succeed when the call is repeated later (the service
// was unreachable, timed out, or answered 5xx/429), as opposed to a refusal that needs a change
// of configuration or data first.
inline bool IsTransientStorageError(const Status& status) {
  return status.code() == ErrorCode::kStorageFailure;
}

// Whether `status` from an ObjectStore (or from choosing a bucket or key for it) is a refusal that
// repeating the call cannot change — the 4xx class: an invalid key, a key that clashes with
// another object or whose every variant is taken, wrong credentials, access denied, a missing or
// undeclared bucket, another refused request. Such an error is never an outage of the bucket.
inline bool IsPermanentStorageError(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kInvalidObjectName:
    case ErrorCode::kObjectKeyConflict:
    case ErrorCode::kObjectAlreadyExists:
    case ErrorCode::kStorageAuthFailed:
    case ErrorCode::kStorageAccessDenied:
    case ErrorCode::kStorageBucketNotFound:
    case ErrorCode::kStorageRequestRejected:
    case ErrorCode::kInvalidOssBucketNotFound:
      return true;
    default:
      return false;
  }
}

}  // namespace liverec::storage
