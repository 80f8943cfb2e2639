#include "base/keyed_mutex.h"

namespace liverec {

KeyedMutex::Guard& KeyedMutex::Guard::operator=(Guard&& other) noexcept {
  if (this != &other) {
    Unlock();
    owner_ = other.owner_;
    key_ = std::move(other.key_);
    other.owner_ = nullptr;
  }
  return *this;
}

void KeyedMutex::Guard::Unlock() {
  if (!owner_) return;
  owner_->Release(key_);
  owner_ = nullptr;
}

KeyedMutex::Guard KeyedMutex::Lock(const std::string& key) {
  std::unique_lock lock(mutex_);
  Entry& entry = entries_[key];  // references stay valid while the key is in the map
  ++entry.waiting;
  released_.wait(lock, [&] { return !entry.held; });
  --entry.waiting;
  entry.held = true;
  return Guard(this, key);
}

KeyedMutex::Guard KeyedMutex::TryLock(const std::string& key) {
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[key];
  if (entry.held) return Guard();
  entry.held = true;
  return Guard(this, key);
}

size_t KeyedMutex::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void KeyedMutex::Release(const std::string& key) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return;
    it->second.held = false;
    wake = it->second.waiting > 0;
    if (!wake) entries_.erase(it);
  }
  if (wake) released_.notify_all();
}

}  // namespace liverec
