// Membership: this node's place in a cluster of liverec nodes sharing one PostgreSQL database
// (docs/cluster.md "Membership"). The node holds the lease ('node', node_id) for as long as it
// runs, renewing it every lease / 3 (HeartbeatThread calls Beat), and keeps its row in `nodes`
// (addresses, version, start time, load) current with writes fenced by that lease's epoch. The
// lease's holder is this process's instance id, so a second process started with the same
// node_id is refused (Join: NodeIdInUse) while the first keeps renewing, and a process that
// crashed leaves the id free once its lease lapses.
//
// Health() says whether the node holds its lease now, by its own clock: it does not once the
// last renewal's expiry has passed (the database did not answer, or the process was paused:
// others count it dead) or when a renewal found the lease taken over (LeaseLost: another
// process with this node_id took it while this one was paused or cut off). A lapsed lease that
// nobody took is renewed at the next beat at the same epoch; a lost one is taken back, at a new
// epoch, once the other holder lets it lapse or releases it.
// Thread-safety: Beat from one thread at a time (the heartbeat); Health from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "metadata/lease_repository.h"
#include "metadata/node_repository.h"
#include "metadata/sql_database.h"

namespace liverec::cluster {

struct NodeIdentity {
  std::string node_id;
  std::string advertise_http;  // host:port
  std::string advertise_rtmp;  // host:port
  std::string version;
};

// What the node reports as its load at each heartbeat.
struct NodeLoad {
  int64_t live_streams = 0;
  int64_t relays_running = 0;
  int64_t upload_lag_ms = 0;  // the oldest slice waiting in the spool to be stored; 0: none
};
using LoadFn = std::function<NodeLoad()>;

class Membership {
 public:
  // `instance_id`: unique to this process (a UUIDv7 made at start). `load` may be empty (0, 0).
  Membership(metadata::SqlDatabase& db, const Clock& clock, std::string instance_id,
             NodeIdentity identity, int64_t lease_ms, LoadFn load);

  // Takes the node's lease and writes its row. While another holder's lease is live, waits for
  // it to lapse (through `sleep_ms`, polling), up to one lease and one beat: a process that died
  // stops renewing within that; one that keeps renewing is running, and Join fails with
  // NodeIdInUse naming its instance. Other errors (the database) are returned as they are.
  // `previous_instance`: the instance id of this node's previous run when it is known to have
  // ended (the server remembers it in its data directory, whose lock proves the run is over); a
  // lease that run left behind is taken over at once instead of waited out.
  Status Join(const std::function<void(int64_t)>& sleep_ms,
              const std::string& previous_instance = "");
  // Sets the addresses the row carries (known once the listeners are bound, after Join) and
  // writes the row.
  Status SetAddresses(std::string advertise_http, std::string advertise_rtmp);
  // One heartbeat: renews the lease (or tries to take a lost one back) and writes the row.
  void Beat();
  // Releases the lease (at shutdown), so that the node id is free at once. The row stays.
  void Leave();
  // OK while the node holds its lease; else ServiceUnavailable, "cluster: node lease ...".
  Status Health() const;

  int64_t beat_interval_ms() const { return lease_ms_ / 3; }
  NodeIdentity identity() const;
  const std::string& instance_id() const { return instance_id_; }
  int64_t epoch() const;  // of the lease held or last held; 0 before Join

 private:
  metadata::LeaseKey Key() const;
  void Hold(const metadata::Lease& lease);  // with mutex_ held
  Status WriteRow(int64_t epoch);
  void TakeBack();

  metadata::SqlDatabase& db_;
  metadata::LeaseRepository leases_;
  const Clock& clock_;
  const std::string instance_id_;
  NodeIdentity identity_;  // the addresses change under mutex_ (SetAddresses)
  const int64_t lease_ms_;
  const LoadFn load_;
  const int64_t started_at_ms_;
  mutable std::mutex mutex_;
  int64_t epoch_ = 0;
  int64_t held_until_ms_ = 0;  // the expiry of the last acquire or renewal
  bool lost_ = false;          // another holder took the lease over
  std::string lost_reason_;
};

}  // namespace liverec::cluster
