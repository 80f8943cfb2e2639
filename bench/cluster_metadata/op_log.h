// OpLog: what the simulated nodes did during the measured window: per logical operation (a
// slice's writes, a cycle close, a heartbeat...) how many, how many failed, and their latency;
// for scheduled work how late each one started (lag = start - due), apart for the streams'
// work (slices, sessions) and the relays' progress saves. Samples outside the window (warm-up) are
// not kept. Thread-safety: Record and RecordLag from any thread; Summarize once the nodes have
// stopped.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

namespace liverec::bench {

enum class Op {
  kSlice,         // one closed slice: FindOpenCycle, TakeSequence, InsertSlice, TouchCycle (m3u8),
                  // FindOpenCycle, InsertHeldSlice, TouchCycle (mp4)
  kFence,         // a transaction that checks the stream's lease epoch (CheckFence)
  kM3u8Close,     // an m3u8 cycle's close and the next cycle's open
  kMp4Close,      // an MP4 cycle's close (held slices, the file row, release) and the next open
  kPublish,       // stream lease Acquire, EnsureStream, BeginPublish, two callbacks
  kUnpublish,     // Detach, lease Release, two callbacks
  kRelaySave,     // RelayTaskRepository::Update (progress)
  kNodeBeat,      // Membership::Beat: node lease Renew + fenced nodes row
  kLeaseRenew,    // the node's stream and relay leases (bulk UPDATE, or Renew each)
  kSweep,         // ListOpenCycles (CloseExpired's read)
  kDeliverRound,  // Deliverer::RunOnce (ListDue, Claim + RecordAttempt each)
  kCount
};
inline constexpr size_t kOpCount = static_cast<size_t>(Op::kCount);
std::string_view OpName(Op op);

struct Percentiles {
  int64_t count = 0;
  double p50 = 0, p99 = 0, max = 0;
};
Percentiles Summarize(std::vector<float>& samples);  // sorts `samples`

class OpLog {
 public:
  void SetMeasuring(bool on) { measuring_.store(on); }
  bool measuring() const { return measuring_.load(); }
  const std::atomic<bool>& measuring_flag() const { return measuring_; }
  void Record(Op op, double ms, bool ok);
  void RecordLag(bool relay, double ms);
  // Rows the bulk lease renewal changed (in the window).
  void AddRenewed(int64_t rows) {
    if (measuring()) renewed_.fetch_add(rows);
  }

  struct OpSummary {
    Percentiles latency;
    int64_t errors = 0;
  };
  OpSummary Summary(Op op);
  Percentiles Lag(bool relay);
  int64_t renewed() const { return renewed_.load(); }

 private:
  struct Slot {
    std::mutex mutex;
    std::vector<float> ms;
    int64_t errors = 0;
  };
  std::atomic<bool> measuring_{false};
  std::array<Slot, kOpCount> slots_;
  Slot lag_, relay_lag_;
  std::atomic<int64_t> renewed_{0};
};

}  // namespace liverec::bench
