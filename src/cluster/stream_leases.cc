#include "cluster/stream_leases.h"

#include <set>

#include <spdlog/spdlog.h>

namespace liverec::cluster {

StreamLeases::StreamLeases(metadata::SqlDatabase& db, const Clock& clock, std::string kind,
                           std::string holder, int64_t lease_ms, std::string replaces)
    : leases_(db, clock),
      kind_(std::move(kind)),
      holder_(std::move(holder)),
      lease_ms_(lease_ms),
      replaces_(std::move(replaces)) {}

Result<metadata::Fence> StreamLeases::Acquire(const std::string& name, bool* fresh) {
  std::lock_guard lock(mutex_);
  if (fresh) *fresh = false;
  if (auto it = held_.find(name); it != held_.end()) {
    ++it->second.users;
    return it->second.fence;
  }
  auto lease = leases_.Acquire({kind_, name}, holder_, lease_ms_, replaces_);
  if (!lease) return Error(lease.error());
  metadata::Fence fence{lease->key, holder_, lease->epoch};
  held_[name] = Held{fence, 1};
  if (fresh) *fresh = true;
  return fence;
}

void StreamLeases::Release(const metadata::Fence& fence) {
  std::lock_guard lock(mutex_);
  auto it = held_.find(fence.key.name);
  if (it == held_.end() || it->second.fence.epoch != fence.epoch) return;
  if (--it->second.users > 0) return;
  held_.erase(it);
  auto released = leases_.Release(fence.key, holder_, fence.epoch);
  if (!released) {
    spdlog::warn("cluster: cannot release the {} lease of {} (it lapses by itself): {}", kind_,
                 fence.key.name, released.error().ToString());
  }
}

void StreamLeases::Lost(const metadata::Fence& fence) {
  std::lock_guard lock(mutex_);
  auto it = held_.find(fence.key.name);
  if (it == held_.end() || it->second.fence.epoch != fence.epoch) return;
  spdlog::warn("cluster: the {} lease of {} was taken over by another node (a write was refused)",
               kind_, fence.key.name);
  held_.erase(it);
}

bool StreamLeases::HeldHere(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return held_.contains(name);
}

std::vector<std::string> StreamLeases::RenewAll() {
  std::map<std::string, int64_t> asked;  // name -> epoch, before the statement
  {
    std::lock_guard lock(mutex_);
    if (held_.empty()) return {};
    for (const auto& [name, held] : held_) asked[name] = held.fence.epoch;
  }
  auto renewed = leases_.RenewAllOf(kind_, holder_, lease_ms_);
  if (!renewed) {
    spdlog::warn("cluster: cannot renew this node's {} leases: {}", kind_,
                 renewed.error().ToString());
    return {};
  }
  std::set<std::string> kept(renewed->begin(), renewed->end());
  std::vector<std::string> lost;
  std::lock_guard lock(mutex_);
  for (const auto& [name, epoch] : asked) {
    if (kept.contains(name)) continue;
    auto it = held_.find(name);
    // Released (and perhaps taken again, at a new epoch) since: not lost.
    if (it == held_.end() || it->second.fence.epoch != epoch) continue;
    spdlog::warn("cluster: the {} lease of {} was taken over by another node", kind_, name);
    held_.erase(it);
    lost.push_back(name);
  }
  return lost;
}

size_t StreamLeases::size() const {
  std::lock_guard lock(mutex_);
  return held_.size();
}

}  // namespace liverec::cluster
