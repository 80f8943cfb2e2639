#include "net/connection_table.h"

namespace liverec::net {

std::optional<ConnectionTable::Admission> ConnectionTable::Admit(int64_t now_ms, CloseFn close) {
  std::lock_guard lock(mu_);
  Admission admission;
  if (static_cast<int64_t>(entries_.size()) >= capacity_) {
    auto victim = OldestIdleLocked();
    if (!victim) return std::nullopt;
    admission.evicted = std::move(entries_[*victim].close);
    entries_.erase(*victim);
    ++evictions_;
  }
  admission.id = next_id_++;
  entries_[admission.id] = Entry{std::move(close), now_ms};
  return admission;
}

void ConnectionTable::SetIdle(uint64_t id, int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it != entries_.end()) it->second.idle_since_ms = now_ms;
}

void ConnectionTable::SetBusy(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it != entries_.end()) it->second.idle_since_ms.reset();
}

void ConnectionTable::Remove(uint64_t id) {
  std::lock_guard lock(mu_);
  entries_.erase(id);
}

int64_t ConnectionTable::size() const {
  std::lock_guard lock(mu_);
  return static_cast<int64_t>(entries_.size());
}

int64_t ConnectionTable::evictions() const {
  std::lock_guard lock(mu_);
  return evictions_;
}

// Linear in the number of connections; only run when the table is full.
std::optional<uint64_t> ConnectionTable::OldestIdleLocked() const {
  std::optional<uint64_t> oldest;
  int64_t oldest_ms = 0;
  for (const auto& [id, entry] : entries_) {
    if (!entry.idle_since_ms) continue;
    if (!oldest || *entry.idle_since_ms < oldest_ms) {
      oldest = id;
      oldest_ms = *entry.idle_since_ms;
    }
  }
  return oldest;
}

}  // namespace liverec::net
