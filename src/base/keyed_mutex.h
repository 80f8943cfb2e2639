// KeyedMutex: one mutex per key (a stream, a cycle), made on first use and dropped when its last
// user lets go, so work on one key never waits for work on another and the table holds only keys
// in use. Lock() blocks until the key is free; TryLock() does not wait.
// Thread-safety: any thread. A Guard must not outlive its KeyedMutex.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace liverec {

class KeyedMutex {
 public:
  // Holds one key's lock until destroyed (or Unlock); empty when moved from or not acquired.
  class Guard {
   public:
    Guard() = default;
    Guard(Guard&& other) noexcept : owner_(other.owner_), key_(std::move(other.key_)) {
      other.owner_ = nullptr;
    }
    Guard& operator=(Guard&& other) noexcept;
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard() { Unlock(); }

    explicit operator bool() const { return owner_ != nullptr; }
    void Unlock();

   private:
    friend class KeyedMutex;
    Guard(KeyedMutex* owner, std::string key) : owner_(owner), key_(std::move(key)) {}
    KeyedMutex* owner_ = nullptr;
    std::string key_;
  };

  Guard Lock(const std::string& key);
  // The key's lock if it is free now, else an empty Guard.
  Guard TryLock(const std::string& key);
  // Keys locked or waited for now (for tests and metrics).
  size_t size() const;

 private:
  struct Entry {
    bool held = false;
    int waiting = 0;
  };
  void Release(const std::string& key);

  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace liverec
