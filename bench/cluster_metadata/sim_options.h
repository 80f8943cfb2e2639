// SimOptions: what one run of the cluster metadata simulation offers PostgreSQL, and the rates
// that follow from it (docs/benchmarks.md, "Cluster metadata traffic (simulation)").
//
// The traffic is that of N recorded streams and M relay tasks spread evenly over K nodes, at the
// rates liverec runs at (src/recorder, src/relay, src/cluster, src/server/server.cc):
// - every stream closes a slice every slice_s (SliceDuration; default 30 s, the API's default);
// - every m3u8 cycle closes every m3u8_cycle_s, every MP4 cycle every mp4_cycle_s (the API's
//   default CycleDurations: 21600 s and 3600 s);
// - every stream's publisher leaves and comes back every session_s (a reconnect within
//   DelayTime: the cycles continue);
// - every URL relay saves its progress every relay_save_ms (today: about once a second);
// - every node beats every lease_s / 3 (its node lease and row) and renews the leases of its
//   streams and relays then; looks for cycles past DelayTime every second (CloseExpired) when
//   `sweep`; and drains the callback outbox (every poll_interval_ms and when woken).
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>

namespace liverec::bench {

enum class RenewMode {
  kBulk,  // one UPDATE per node and lease kind per heartbeat (what stream ownership assumes)
  kEach,  // LeaseRepository::Renew per lease per heartbeat
};

struct SimOptions {
  int64_t streams = 1000;
  int64_t relays = 100;
  int nodes = 3;
  double duration_s = 60;  // measured window
  double warmup_s = 15;    // before it: pools open, caches warm, schedules settle
  int64_t slice_s = 30;
  bool mp4 = true;  // m3u8 and MP4 (held slices, composed files); false: m3u8 only
  int64_t m3u8_cycle_s = 21600;
  int64_t mp4_cycle_s = 3600;
  int64_t session_s = 3600;
  int64_t relay_save_ms = 1000;
  int64_t lease_s = 10;
  int64_t poll_interval_ms = 1000;
  bool sweep = true;  // CloseExpired's ListOpenCycles every second per node
  bool fence = true;  // one fenced transaction (CheckFence of the stream lease) per slice
  RenewMode renew = RenewMode::kBulk;
  int workers = 8;             // threads per node running stream work (recording.upload_threads)
  int pool_size = 8;           // PostgreSQL connections per node (the server's default)
  double lag_bound_ms = 1000;  // sustained: p99 lag of scheduled work under this
  uint64_t seed = 1;
};

// Logical operations offered per second, from the options alone.
struct OfferedRates {
  double slices = 0;
  double m3u8_closes = 0;
  double mp4_closes = 0;
  double sessions = 0;  // unpublish + publish pairs
  double relay_saves = 0;
  double beats = 0;  // node heartbeats (each with its lease renewals)
  double sweeps = 0;
  double callbacks = 0;  // events enqueued (and to deliver)
  double scheduled() const { return slices + sessions + relay_saves; }
};

inline OfferedRates Offered(const SimOptions& o) {
  OfferedRates r;
  auto n = static_cast<double>(o.streams);
  r.slices = n / static_cast<double>(o.slice_s);
  r.m3u8_closes = n / static_cast<double>(o.m3u8_cycle_s);
  r.mp4_closes = o.mp4 ? n / static_cast<double>(o.mp4_cycle_s) : 0;
  r.sessions = n / static_cast<double>(o.session_s);
  r.relay_saves = static_cast<double>(o.relays) * 1000.0 / static_cast<double>(o.relay_save_ms);
  r.beats = o.nodes * 3.0 / static_cast<double>(o.lease_s);
  r.sweeps = o.sweep ? o.nodes : 0;
  // One file_created per closed file; publish, record_resumed, publish_done and record_paused
  // per session (a domain with every callback configured).
  r.callbacks = r.m3u8_closes + r.mp4_closes + 4 * r.sessions;
  return r;
}

}  // namespace liverec::bench
