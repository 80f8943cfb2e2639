#include "ingest/stream_registry.h"

namespace liverec::ingest {

bool StreamRegistry::TryAcquire(const LiveStream& stream) {
  std::lock_guard lock(mutex_);
  bool added = live_.emplace(stream.Key(), stream).second;
  if (added && observer_) observer_->Live(stream);
  return added;
}

void StreamRegistry::Release(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = live_.find(key);
  if (it == live_.end()) return;
  if (observer_) observer_->Gone(it->second);
  live_.erase(it);
}

void StreamRegistry::UpdateStats(const std::string& key, const StreamStats& stats) {
  std::lock_guard lock(mutex_);
  auto it = live_.find(key);
  if (it == live_.end()) return;
  it->second.stats = stats;
  if (observer_) observer_->Measured(it->second);
}

bool StreamRegistry::IsLive(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return live_.contains(key);
}

std::vector<std::string> StreamRegistry::LiveKeys() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> keys;
  keys.reserve(live_.size());
  for (const auto& [key, stream] : live_) keys.push_back(key);
  return keys;
}

size_t StreamRegistry::LiveCount() const {
  std::lock_guard lock(mutex_);
  return live_.size();
}

std::vector<LiveStream> StreamRegistry::List(const std::string& account_id,
                                             const std::string& domain) const {
  std::string prefix = domain + "/";
  std::lock_guard lock(mutex_);
  std::vector<LiveStream> streams;
  for (auto it = live_.lower_bound(prefix); it != live_.end() && it->first.starts_with(prefix);
       ++it) {
    if (it->second.account_id == account_id) streams.push_back(it->second);
  }
  return streams;
}

}  // namespace liverec::ingest
