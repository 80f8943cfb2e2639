#include "recorder/snapshot/snapshot_workers.h"

#include <boost/asio/post.hpp>

namespace liverec::recorder::snapshot {

SnapshotWorkers::SnapshotWorkers(int threads, size_t queue_capacity)
    : capacity_(queue_capacity < 1 ? 1 : queue_capacity),
      state_(std::make_shared<State>()),
      pool_(static_cast<size_t>(threads < 1 ? 1 : threads)) {}

SnapshotWorkers::~SnapshotWorkers() {
  state_->stopping = true;
  pool_.join();
}

bool SnapshotWorkers::TrySubmit(std::function<void()> job) {
  size_t current = state_->in_flight.load();
  do {
    if (current >= capacity_ || state_->stopping.load()) return false;
  } while (!state_->in_flight.compare_exchange_weak(current, current + 1));
  boost::asio::post(pool_, [state = state_, job = std::move(job)] {
    if (!state->stopping.load()) job();
    --state->in_flight;
  });
  return true;
}

}  // namespace liverec::recorder::snapshot
