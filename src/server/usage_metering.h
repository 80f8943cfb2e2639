// UsageMetering: what DescribeLiveDomainRecordUsageData reports, on this node
// (docs/api/usage.md): the RecordingUsageMeter the recorder tells of every recording, and the
// sampler that adds what the meter collected to the database (RecordUsageRepository, one row per
// minute, account, domain and format for this node) every period: a minute, or the config's
// [testing] usage_sample_ms. A failed write is logged and its rows are written with the next
// (up to kMaxPendingRows; older ones are dropped, logged).
// Thread-safety: Sample on one thread at a time (the timer's worker, or the owner once the
// workers are joined); Start, Stop and DropTimer on the owner's thread (the timer is guarded
// against the worker rescheduling it meanwhile).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "base/clock.h"
#include "metadata/record_usage_repository.h"
#include "recorder/recording_usage_meter.h"

namespace liverec::server {

class UsageMetering {
 public:
  static constexpr size_t kMaxPendingRows = 100'000;
  static constexpr int64_t kPeriodMs = 60'000;  // the production sampling period

  // `node`: this node's id, the key of its rows.
  UsageMetering(metadata::SqlDatabase& db, const Clock& clock, std::string node)
      : repo_(db), meter_(clock), node_(std::move(node)) {}

  metadata::RecordUsageRepository& repository() { return repo_; }
  recorder::RecordingUsageMeter& meter() { return meter_; }

  // Collects the meter and writes what it has (with rows a failed write left); true if written.
  bool Sample();
  // Samples every `period` on `workers`, timed on `io`.
  void Start(boost::asio::io_context& io, boost::asio::thread_pool& workers,
             std::chrono::milliseconds period);
  void Stop();
  // Before `io` is destroyed.
  void DropTimer();

 private:
  void Schedule();

  metadata::RecordUsageRepository repo_;
  recorder::RecordingUsageMeter meter_;
  const std::string node_;
  std::vector<metadata::UsageMinuteRow> pending_;
  boost::asio::thread_pool* workers_ = nullptr;
  std::mutex timer_mutex_;  // the timer: rescheduled by a worker, stopped by the owner
  std::unique_ptr<boost::asio::steady_timer> timer_;
  std::chrono::milliseconds period_{60'000};
  std::atomic<bool> stopping_{false};
};

}  // namespace liverec::server
