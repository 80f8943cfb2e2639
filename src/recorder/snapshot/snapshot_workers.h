// SnapshotWorkers: the bounded pool snapshots are encoded and stored on ([snapshots] workers
// threads, at most `queue` jobs waiting). TrySubmit never blocks: when the queue is full it
// refuses the job, and the caller skips that snapshot (SnapshotMetrics::Skipped) — a slow or
// overloaded pool costs snapshots, never ingest time.
// Thread-safety: TrySubmit from any thread. The destructor waits for the running jobs and drops
// the waiting ones.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>

#include <boost/asio/thread_pool.hpp>

namespace liverec::recorder::snapshot {

class SnapshotWorkers {
 public:
  SnapshotWorkers(int threads, size_t queue_capacity);
  ~SnapshotWorkers();

  // False (and `job` is dropped) when `queue_capacity` jobs are waiting or running already.
  bool TrySubmit(std::function<void()> job);
  size_t InFlight() const { return state_->in_flight.load(); }

 private:
  struct State {
    std::atomic<size_t> in_flight{0};
    std::atomic<bool> stopping{false};
  };
  const size_t capacity_;
  std::shared_ptr<State> state_;
  boost::asio::thread_pool pool_;
};

}  // namespace liverec::recorder::snapshot
