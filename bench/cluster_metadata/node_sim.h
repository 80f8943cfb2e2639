// NodeSim: one simulated liverec node of the cluster: its own PostgreSQL pool (pool_size
// connections, as a server has), its streams' work on `workers` threads (recording.upload_threads,
// 8) taken from a schedule ordered by due time (each stream has one pending entry, so a stream's
// writes stay in order, as on the server's per-stream queue), its relays' progress saves on one
// thread (the server's RelayDriver runs on one strand), and the node's background work on
// threads of their own: the heartbeat (cluster::Membership::Beat, then the stream and relay
// lease renewals) every lease / 3, the cycle sweep (ListOpenCycles, what CloseExpired reads)
// every second, and the callback deliverer (callbacks::Deliverer over an HTTP sender that
// answers 200 at once) every poll interval and when an enqueue wakes it.
// Work is scheduled at fixed rates from its due time: a node that falls behind starts work
// late (the lag, recorded), never skips it.
// Thread-safety: Start, Stop and the accessors from one thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

#include "cluster/membership.h"
#include "node_repos.h"
#include "op_log.h"
#include "sim_options.h"
#include "stream_ops.h"
#include "world.h"

namespace liverec::bench {

class NodeSim {
 public:
  NodeSim(int index, const SimOptions& options, World& world, OpLog& log, const Clock& clock)
      : index_(index), o_(options), world_(world), log_(log), clock_(clock) {}
  ~NodeSim() { Stop(); }

  // Opens the pool on `url`, joins the cluster and starts the threads.
  Status Start(const std::string& url);
  // Stops the threads; returns how much scheduled work was due but not started.
  int64_t Stop();

  int64_t statements() const { return repos_ ? repos_->db->statements() : 0; }
  int64_t transactions() const { return repos_ ? repos_->db->transactions() : 0; }

 private:
  struct Event {
    int64_t due_ms;
    bool relay;
    size_t index;
    bool operator>(const Event& other) const { return due_ms > other.due_ms; }
  };

  // Takes due work from `queue` until Stop (worker threads: the streams'; the relay thread).
  void Work(std::priority_queue<Event, std::vector<Event>, std::greater<>>& queue);
  void Run(Event& event);  // and moves its due time to the next occurrence
  void Heartbeat();
  void RenewLeases();
  void Sweep();
  void Deliver();
  // Sleeps until `until_ms` by the clock or until Stop; false when stopping.
  bool SleepUntil(int64_t until_ms);

  const int index_;
  const SimOptions& o_;
  World& world_;
  OpLog& log_;
  const Clock& clock_;
  std::unique_ptr<NodeRepos> repos_;
  std::unique_ptr<StreamOps> streams_;
  std::unique_ptr<cluster::Membership> membership_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> schedule_;  // streams
  std::priority_queue<Event, std::vector<Event>, std::greater<>> relay_schedule_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> deliver_again_{false};
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace liverec::bench
