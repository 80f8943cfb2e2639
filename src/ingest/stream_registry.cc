#include "ingest/stream_registry.h"

#include <optional>

namespace liverec::ingest {

bool StreamRegistry::TryAcquire(const LiveStream& stream, std::string* refusal) {
  std::string key = stream.Key();
  {
    std::lock_guard lock(mutex_);
    if (!live_.emplace(key, stream).second) {
      if (refusal) *refusal = "stream is already being published";
      return false;
    }
    revocations_[key] = std::make_shared<Revocation>();
    if (!claims_) {
      if (observer_) observer_->Live(stream);
      return true;
    }
  }
  auto claim = claims_->Acquire(key);
  std::lock_guard lock(mutex_);
  if (claim) {
    claimed_[key] = *claim;
    if (observer_) observer_->Live(stream);  // only a publish accepted cluster-wide is listed
    return true;
  }
  live_.erase(key);
  revocations_.erase(key);
  if (refusal) {
    *refusal = claim.error().code() == ErrorCode::kLeaseHeld
                   ? "stream is already being published (on another node)"
                   : "the stream cannot be claimed in the cluster: " + claim.error().ToString();
  }
  return false;
}

void StreamRegistry::Release(const std::string& key) {
  std::optional<metadata::Fence> claim;
  {
    std::lock_guard lock(mutex_);
    auto it = live_.find(key);
    if (it == live_.end()) return;
    if (observer_) observer_->Gone(it->second);
    live_.erase(it);
    revocations_.erase(key);
    if (auto c = claimed_.find(key); c != claimed_.end()) {
      claim = c->second;
      claimed_.erase(c);
    }
  }
  if (claim && claims_) claims_->Release(*claim);
}

std::shared_ptr<const Revocation> StreamRegistry::RevocationOf(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = revocations_.find(key);
  return it == revocations_.end() ? nullptr : it->second;
}

bool StreamRegistry::Revoke(const std::string& key, const Status& why) {
  std::lock_guard lock(mutex_);
  auto it = revocations_.find(key);
  if (it == revocations_.end() || it->second->revoked()) return false;
  it->second->why_ = why;
  it->second->revoked_.store(true, std::memory_order_release);
  return true;
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
