// MemoryObjectStore: an ObjectStore in a map, for the benchmark only. It keeps the contract's
// "never overwrite" rule and key checks but has no disk, so the benchmark can separate the cost
// of the query and the playlist from LocalObjectStore's write + fsync.
// Thread-safety: any thread (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "storage/object_key_template.h"
#include "storage/object_store.h"

namespace liverec::bench {

class MemoryObjectStore final : public storage::ObjectStore {
 public:
  Status PutFile(const std::string&, const std::string&) override {
    return Status(ErrorCode::kStorageFailure, "", "MemoryObjectStore: PutFile unsupported");
  }
  Status PutBytes(const std::string& key, std::span<const uint8_t> bytes) override {
    if (storage::CheckObjectKey(key)) return Status(ErrorCode::kInvalidObjectName);
    std::vector<uint8_t> copy(bytes.begin(), bytes.end());
    std::lock_guard lock(mutex_);
    if (!objects_.emplace(key, std::move(copy)).second) {
      return Status(ErrorCode::kObjectAlreadyExists);
    }
    return Status::Ok();
  }
  Status ReplaceBytes(const std::string& key, std::span<const uint8_t> bytes) override {
    if (storage::CheckObjectKey(key)) return Status(ErrorCode::kInvalidObjectName);
    std::lock_guard lock(mutex_);
    objects_[key].assign(bytes.begin(), bytes.end());
    return Status::Ok();
  }
  Result<storage::ObjectInfo> Head(const std::string& key) override {
    std::lock_guard lock(mutex_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return Error(ErrorCode::kObjectNotFound);
    return storage::ObjectInfo{key, it->second.size(), 0};
  }
  Result<std::vector<uint8_t>> Get(const std::string& key) override {
    std::lock_guard lock(mutex_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return Error(ErrorCode::kObjectNotFound);
    return it->second;
  }
  Status Delete(const std::string& key) override {
    std::lock_guard lock(mutex_);
    return objects_.erase(key) ? Status::Ok() : Status(ErrorCode::kObjectNotFound);
  }

  void Clear() {
    std::lock_guard lock(mutex_);
    objects_.clear();
  }
  size_t Count() {
    std::lock_guard lock(mutex_);
    return objects_.size();
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::vector<uint8_t>> objects_;
};

}  // namespace liverec::bench
