// RunSim: one run of the simulation: a fresh database on the server of `admin_url`, seeded
// (seed.h), K NodeSims started, a warm-up, then the measured window, in which the bench counts
// what the nodes did (OpLog, statements), what PostgreSQL did (pg_stat_database, pg_stat_wal),
// and the CPU each side used (proc_cpu.h); then the nodes stop, the outbox is inspected and the
// database dropped.
// Thread-safety: one run at a time.
#pragma once

#include <array>
#include <string>

#include "base/status.h"
#include "op_log.h"
#include "proc_cpu.h"
#include "sim_options.h"

namespace liverec::bench {

// Counters of pg_stat_database (this database) and pg_stat_wal.
struct PgCounters {
  double commits = 0, rollbacks = 0, returned = 0, fetched = 0, inserted = 0, updated = 0,
         deleted = 0, blks_read = 0, blks_hit = 0, wal_bytes = 0;
};

struct RunResult {
  SimOptions options;
  OfferedRates offered;
  double seed_s = 0;
  double window_s = 0;
  std::array<OpLog::OpSummary, kOpCount> ops;
  Percentiles lag, relay_lag;
  int64_t backlog = 0;  // scheduled work due but not started at the end
  int64_t renewed = 0;  // lease rows renewed in the window
  int64_t statements = 0, transactions = 0;
  PgCounters pg;  // deltas over the window
  CpuTimes cpu;   // deltas over the window
  // The callback outbox: events created in the window, delivered by the end, their delivery
  // latency (delivered_at - created_at, ms), and events still pending at the end.
  int64_t callbacks_created = 0, callbacks_delivered = 0, callbacks_pending = 0;
  double delivery_p50_ms = 0, delivery_p99_ms = 0, delivery_max_ms = 0;
  double database_mb = 0;
  // Scheduled work (slices, sessions, relay saves) done over offered, and the verdict.
  double achieved_ratio = 0;
  bool sustained = false;
};

Result<RunResult> RunSim(const SimOptions& options, const std::string& admin_url,
                         const std::string& database, bool keep);

}  // namespace liverec::bench
