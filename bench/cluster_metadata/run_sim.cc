#include "run_sim.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "base/ids.h"
#include "metadata/postgres/postgres_database.h"
#include "node_sim.h"
#include "seed.h"

namespace liverec::bench {
namespace {

using metadata::AsInt;

void SleepS(double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }

Result<PgCounters> ReadCounters(metadata::SqlDatabase& db) {
  auto rows = db.Query(
      "SELECT xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated, "
      "tup_deleted, blks_read, blks_hit, (SELECT wal_bytes::bigint FROM pg_stat_wal) "
      "FROM pg_stat_database WHERE datname = current_database()",
      {});
  if (!rows) return Error(rows.error());
  const auto& r = rows->at(0);
  auto d = [&](size_t i) { return static_cast<double>(AsInt(r[i])); };
  return PgCounters{d(0), d(1), d(2), d(3), d(4), d(5), d(6), d(7), d(8), d(9)};
}

PgCounters Minus(const PgCounters& b, const PgCounters& a) {
  return {b.commits - a.commits,    b.rollbacks - a.rollbacks, b.returned - a.returned,
          b.fetched - a.fetched,    b.inserted - a.inserted,   b.updated - a.updated,
          b.deleted - a.deleted,    b.blks_read - a.blks_read, b.blks_hit - a.blks_hit,
          b.wal_bytes - a.wal_bytes};
}

CpuTimes Minus(const CpuTimes& b, const CpuTimes& a) {
  return {b.postgres_s - a.postgres_s, b.self_s - a.self_s, b.machine_busy_s - a.machine_busy_s,
          b.machine_total_s - a.machine_total_s, b.machine_iowait_s - a.machine_iowait_s};
}

Status ReadOutbox(metadata::SqlDatabase& db, int64_t from_ms, int64_t to_ms, RunResult& result) {
  auto rows = db.Query(
      "SELECT COUNT(*), COUNT(delivered_at_ms), "
      "COALESCE(percentile_cont(0.5) WITHIN GROUP (ORDER BY delivered_at_ms - created_at_ms), 0), "
      "COALESCE(percentile_cont(0.99) WITHIN GROUP (ORDER BY delivered_at_ms - created_at_ms), 0), "
      "COALESCE(MAX(delivered_at_ms - created_at_ms), 0) "
      "FROM callback_outbox WHERE created_at_ms >= ? AND created_at_ms < ?",
      {from_ms, to_ms});
  if (!rows) return rows.error();
  const auto& r = rows->at(0);
  result.callbacks_created = AsInt(r[0]);
  result.callbacks_delivered = AsInt(r[1]);
  // percentile_cont gives a double precision, read back as text.
  auto num = [](const metadata::SqlValue& v) {
    if (auto* s = std::get_if<std::string>(&v)) return std::stod(*s);
    return static_cast<double>(AsInt(v));
  };
  result.delivery_p50_ms = num(r[2]);
  result.delivery_p99_ms = num(r[3]);
  result.delivery_max_ms = num(r[4]);
  auto pending = db.Query("SELECT COUNT(*) FROM callback_outbox WHERE state = 'pending'", {});
  if (!pending) return pending.error();
  result.callbacks_pending = AsInt(pending->at(0).at(0));
  auto size = db.Query("SELECT pg_database_size(current_database())", {});
  if (!size) return size.error();
  result.database_mb = static_cast<double>(AsInt(size->at(0).at(0))) / 1e6;
  return Status::Ok();
}

void Judge(RunResult& r) {
  const SimOptions& o = r.options;
  double done = static_cast<double>(r.ops[static_cast<size_t>(Op::kSlice)].latency.count +
                                    r.ops[static_cast<size_t>(Op::kRelaySave)].latency.count);
  double offered = (r.offered.slices + r.offered.relay_saves) * r.window_s;
  r.achieved_ratio = offered > 0 ? done / offered : 1;
  int64_t errors = 0;
  for (const auto& op : r.ops) errors += op.errors;
  r.sustained = r.achieved_ratio >= 0.97 && r.lag.p99 <= o.lag_bound_ms &&
                r.relay_lag.p99 <= o.lag_bound_ms && errors == 0;
}

}  // namespace

Result<RunResult> RunSim(const SimOptions& o, const std::string& admin_url,
                         const std::string& database, bool keep) {
  SystemClock clock;
  OsRandom random;
  RunResult result;
  result.options = o;
  result.offered = Offered(o);
  auto url = CreateDatabase(admin_url, database);
  if (!url) return Error(url.error());
  metadata::PostgresOptions probe_options;
  probe_options.url = *url;
  probe_options.pool_size = 1;
  auto probe = metadata::PostgresDatabase::Open(probe_options, clock);
  if (!probe) return Error(probe.error());

  World world;
  for (int i = 0; i < o.nodes; ++i) world.holders.push_back(NewId(clock, random));
  auto seed_started = std::chrono::steady_clock::now();
  int64_t t0 = clock.NowMs();
  LIVEREC_RETURN_IF_ERROR(Seed(**probe, clock, random, o, t0, world));
  result.seed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - seed_started).count();
  // The schedule starts now; rows written during the seed are that much older (docs).
  int64_t shift = clock.NowMs() - t0;
  for (auto& s : world.streams) s.next_due_ms += shift, s.session_end_ms += shift;
  for (auto& r : world.relays) r.next_due_ms += shift;

  auto backend = (*probe)->Query("SELECT pg_backend_pid()", {});
  if (!backend) return Error(backend.error());
  int64_t postmaster = ParentPid(AsInt(backend->at(0).at(0)));

  OpLog log;
  std::vector<std::unique_ptr<NodeSim>> nodes;
  for (int i = 0; i < o.nodes; ++i) {
    nodes.push_back(std::make_unique<NodeSim>(i, o, world, log, clock));
    LIVEREC_RETURN_IF_ERROR(nodes.back()->Start(*url));
  }
  SleepS(o.warmup_s);
  auto pg_before = ReadCounters(**probe);
  if (!pg_before) return Error(pg_before.error());
  CpuTimes cpu_before = SampleCpu(postmaster);
  int64_t w0 = clock.NowMs();
  auto started = std::chrono::steady_clock::now();
  log.SetMeasuring(true);
  SleepS(o.duration_s);
  log.SetMeasuring(false);
  result.window_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  int64_t w1 = clock.NowMs();
  CpuTimes cpu_after = SampleCpu(postmaster);
  SleepS(1.1);  // backends flush their statistics at most once a second
  auto pg_after = ReadCounters(**probe);
  if (!pg_after) return Error(pg_after.error());
  result.pg = Minus(*pg_after, *pg_before);
  result.cpu = Minus(cpu_after, cpu_before);
  if (postmaster == 0) result.cpu.postgres_s = -1;
  for (auto& node : nodes) {
    result.backlog += node->Stop();
    result.statements += node->statements();
    result.transactions += node->transactions();
  }
  nodes.clear();
  for (size_t i = 0; i < kOpCount; ++i) result.ops[i] = log.Summary(static_cast<Op>(i));
  result.lag = log.Lag(false);
  result.relay_lag = log.Lag(true);
  result.renewed = log.renewed();
  LIVEREC_RETURN_IF_ERROR(ReadOutbox(**probe, w0, w1, result));
  probe->reset();
  if (!keep) LIVEREC_RETURN_IF_ERROR(DropDatabase(admin_url, database));
  Judge(result);
  return result;
}

}  // namespace liverec::bench
