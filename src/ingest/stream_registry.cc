#include "ingest/stream_registry.h"

namespace liverec::ingest {

bool StreamRegistry::TryAcquire(const std::string& key) {
  std::lock_guard lock(mutex_);
  return live_.insert(key).second;
}

void StreamRegistry::Release(const std::string& key) {
  std::lock_guard lock(mutex_);
  live_.erase(key);
}

bool StreamRegistry::IsLive(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return live_.contains(key);
}

std::vector<std::string> StreamRegistry::LiveKeys() const {
  std::lock_guard lock(mutex_);
  return {live_.begin(), live_.end()};
}

}  // namespace liverec::ingest
