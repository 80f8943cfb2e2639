// StreamLeases: this node's leases of one kind on streams (docs/cluster.md "Stream ownership"):
// kind "publish" makes a stream's publisher unique cluster-wide, kind "record" is the right to
// write a stream's recording, the fence its writes carry. Acquire takes the lease (kind, name)
// for this node, or shares it when this node holds it already: users are counted and the lease
// is released when the last one releases it. While another node holds it live, Acquire fails
// with LeaseHeld. RenewAll (the heartbeat) renews every lease of the kind this node holds in one
// statement and forgets those it lost (taken over while this node was paused or cut off): their
// users keep a stale fence, so their next fenced write fails with LeaseLost. A user whose fenced
// write failed so tells Lost at once (the heartbeat may not have come yet), so that the next
// Acquire tries the database instead of handing out the stale fence again.
// `replaces`: the holder of this node's previous run, known to have ended (ClusterNode); its
// leases are taken over at once rather than waited out.
// Thread-safety: any thread; one mutex, held across Acquire's and Release's database calls so a
// release never frees a lease another user of this node has just been given.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "metadata/lease_repository.h"
#include "metadata/sql_database.h"

namespace liverec::cluster {

class StreamLeases {
 public:
  StreamLeases(metadata::SqlDatabase& db, const Clock& clock, std::string kind, std::string holder,
               int64_t lease_ms, std::string replaces = "");

  // `fresh` (optional) tells whether this call took the lease (true) or shared it (false).
  Result<metadata::Fence> Acquire(const std::string& name, bool* fresh = nullptr);
  // One user is done with the lease; the last one frees it (a failure to is logged: the lease
  // then lapses by itself). A fence this node no longer holds at that epoch is ignored.
  void Release(const metadata::Fence& fence);
  // A fenced write under `fence` failed with LeaseLost: this node forgets the lease (not released:
  // another holder has it, or had it) unless it holds it at another epoch already. Its other users
  // keep the stale fence; their Release is then ignored.
  void Lost(const metadata::Fence& fence);
  // Whether this node holds the lease on `name` now (as far as it knows).
  bool HeldHere(const std::string& name) const;
  // Renews every lease of the kind this node holds; returns the names it lost.
  std::vector<std::string> RenewAll();
  size_t size() const;
  const std::string& kind() const { return kind_; }

 private:
  struct Held {
    metadata::Fence fence;
    int users = 0;
  };

  metadata::LeaseRepository leases_;
  const std::string kind_;
  const std::string holder_;
  const int64_t lease_ms_;
  const std::string replaces_;
  mutable std::mutex mutex_;
  std::map<std::string, Held> held_;  // by name
};

}  // namespace liverec::cluster
