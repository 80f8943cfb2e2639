// cluster_metadata_bench: the metadata traffic of a liverec cluster, simulated against one
// PostgreSQL (docs/benchmarks.md, "Cluster metadata traffic (simulation)"). For each N of
// --streams (and each K of --nodes) it seeds a fresh database, runs K simulated nodes with N
// recorded streams and M relay tasks for --duration seconds after --warmup, and prints what
// PostgreSQL sustained: logical operations and their latency, statements, commits and rows per
// second, WAL, and the CPU of PostgreSQL, of this process and of the whole machine.
// --quick: a few seconds at a small N, as the CTest smoke test (bench.cluster_metadata): fails
// when a kind of work was not done or failed (relay saves: more than 1 % of them), never on
// speed.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run_sim.h"

namespace liverec::bench {
namespace {

std::vector<int64_t> ParseList(const std::string& text) {
  std::vector<int64_t> values;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) values.push_back(std::stoll(item));
  return values;
}

double PerS(double x, const RunResult& r) { return x / r.window_s; }
double CorePct(double s, const RunResult& r) { return s >= 0 ? 100.0 * s / r.window_s : -1; }
const OpLog::OpSummary& OpOf(const RunResult& r, Op op) { return r.ops[static_cast<size_t>(op)]; }

void PrintSummaryHeader() {
  fmt::print(
      "| N streams | M relays | K nodes | ops/s offered → done | lag p99 streams / relays (ms) | "
      "statements/s | "
      "commits/s | rows written/s (ins+upd+del) | rows read/s | WAL MB/s | PostgreSQL CPU "
      "(% of a core) | bench CPU | rest of the machine | sustained |\n"
      "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
}

void PrintSummaryRow(const RunResult& r) {
  const auto& o = r.options;
  double offered = r.offered.scheduled();
  double done = PerS(static_cast<double>(OpOf(r, Op::kSlice).latency.count +
                                         OpOf(r, Op::kRelaySave).latency.count +
                                         OpOf(r, Op::kPublish).latency.count),
                     r);
  double written = r.pg.inserted + r.pg.updated + r.pg.deleted;
  fmt::print(
      "| {} | {} | {} | {:.0f} → {:.0f} | {:.0f} / {:.0f} | {:.0f} | {:.0f} | {:.0f} "
      "({:.0f}+{:.0f}+{:.0f}) "
      "| {:.0f} | {:.2f} | {:.0f} % | {:.0f} % | {:.0f} % ({:.0f} % busy of {} cores) | {} |\n",
      o.streams, o.relays, o.nodes, offered, done, r.lag.p99, r.relay_lag.p99,
      PerS(r.statements, r), PerS(r.pg.commits, r), PerS(written, r), PerS(r.pg.inserted, r),
      PerS(r.pg.updated, r), PerS(r.pg.deleted, r), PerS(r.pg.returned + r.pg.fetched, r),
      PerS(r.pg.wal_bytes, r) / 1e6, CorePct(r.cpu.postgres_s, r), CorePct(r.cpu.self_s, r),
      CorePct(r.cpu.machine_busy_s - std::max(r.cpu.postgres_s, 0.0) - r.cpu.self_s, r),
      100.0 * r.cpu.machine_busy_s / std::max(r.cpu.machine_total_s, 1e-9), CpuCount(),
      r.sustained ? "yes" : fmt::format("**no** ({:.0f} % done)", 100 * r.achieved_ratio));
}

void PrintOps(const RunResult& r) {
  const auto& o = r.options;
  fmt::print("\nN = {}, M = {}, K = {}: operations in the {:.0f} s window (latency in ms)\n\n",
             o.streams, o.relays, o.nodes, r.window_s);
  fmt::print("| operation | per s | p50 | p99 | max | errors |\n|---|---:|---:|---:|---:|---:|\n");
  for (size_t i = 0; i < kOpCount; ++i) {
    const auto& s = r.ops[i];
    if (s.latency.count == 0 && s.errors == 0) continue;
    fmt::print("| {} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {} |\n", OpName(static_cast<Op>(i)),
               PerS(static_cast<double>(s.latency.count), r), s.latency.p50, s.latency.p99,
               s.latency.max, s.errors);
  }
  fmt::print(
      "\nlag p50/p99/max: streams {:.0f}/{:.0f}/{:.0f} ms, relays {:.0f}/{:.0f}/{:.0f} ms; {} due "
      "and "
      "not started at the end; "
      "lease rows renewed {:.0f}/s; callbacks: {} created, {} delivered (p50/p99/max "
      "{:.0f}/{:.0f}/{:.0f} ms), {} pending at the end; database {:.0f} MB; seed {:.0f} s; "
      "PostgreSQL blocks read {:.0f}/s, hit {:.0f}/s; rollbacks {:.1f}/s; iowait {:.0f} % of the "
      "machine\n\n",
      r.lag.p50, r.lag.p99, r.lag.max, r.relay_lag.p50, r.relay_lag.p99, r.relay_lag.max, r.backlog,
      PerS(static_cast<double>(r.renewed), r), r.callbacks_created, r.callbacks_delivered,
      r.delivery_p50_ms, r.delivery_p99_ms, r.delivery_max_ms, r.callbacks_pending, r.database_mb,
      r.seed_s, PerS(r.pg.blks_read, r), PerS(r.pg.blks_hit, r), PerS(r.pg.rollbacks, r),
      100.0 * r.cpu.machine_iowait_s / std::max(r.cpu.machine_total_s, 1e-9));
}

nlohmann::json ToJson(const RunResult& r) {
  const auto& o = r.options;
  nlohmann::json ops = nlohmann::json::object();
  for (size_t i = 0; i < kOpCount; ++i) {
    const auto& s = r.ops[i];
    ops[std::string(OpName(static_cast<Op>(i)))] = {{"count", s.latency.count},
                                                    {"errors", s.errors},
                                                    {"p50_ms", s.latency.p50},
                                                    {"p99_ms", s.latency.p99},
                                                    {"max_ms", s.latency.max}};
  }
  return {{"streams", o.streams},
          {"relays", o.relays},
          {"nodes", o.nodes},
          {"slice_s", o.slice_s},
          {"mp4", o.mp4},
          {"sweep", o.sweep},
          {"fence", o.fence},
          {"renew", o.renew == RenewMode::kBulk ? "bulk" : "each"},
          {"window_s", r.window_s},
          {"seed_s", r.seed_s},
          {"operations", ops},
          {"offered_scheduled_per_s", r.offered.scheduled()},
          {"lag_ms", {{"p50", r.lag.p50}, {"p99", r.lag.p99}, {"max", r.lag.max}}},
          {"relay_lag_ms",
           {{"p50", r.relay_lag.p50}, {"p99", r.relay_lag.p99}, {"max", r.relay_lag.max}}},
          {"backlog", r.backlog},
          {"statements", r.statements},
          {"transactions", r.transactions},
          {"lease_rows_renewed", r.renewed},
          {"pg",
           {{"commits", r.pg.commits},
            {"rollbacks", r.pg.rollbacks},
            {"returned", r.pg.returned},
            {"fetched", r.pg.fetched},
            {"inserted", r.pg.inserted},
            {"updated", r.pg.updated},
            {"deleted", r.pg.deleted},
            {"blks_read", r.pg.blks_read},
            {"blks_hit", r.pg.blks_hit},
            {"wal_bytes", r.pg.wal_bytes}}},
          {"cpu_s",
           {{"postgres", r.cpu.postgres_s},
            {"bench", r.cpu.self_s},
            {"machine_busy", r.cpu.machine_busy_s},
            {"machine_total", r.cpu.machine_total_s},
            {"machine_iowait", r.cpu.machine_iowait_s}}},
          {"callbacks",
           {{"created", r.callbacks_created},
            {"delivered", r.callbacks_delivered},
            {"pending_at_end", r.callbacks_pending},
            {"delivery_p50_ms", r.delivery_p50_ms},
            {"delivery_p99_ms", r.delivery_p99_ms},
            {"delivery_max_ms", r.delivery_max_ms}}},
          {"database_mb", r.database_mb},
          {"achieved_ratio", r.achieved_ratio},
          {"sustained", r.sustained}};
}

// The smoke test's verdict: every kind of work happened, and nothing failed.
bool SmokeOk(const RunResult& r) {
  bool ok = true;
  for (Op op : {Op::kSlice, Op::kRelaySave, Op::kNodeBeat, Op::kLeaseRenew, Op::kDeliverRound}) {
    if (OpOf(r, op).latency.count == 0) {
      fmt::print(stderr, "smoke: no {} in the window\n", OpName(op));
      ok = false;
    }
  }
  for (size_t i = 0; i < kOpCount; ++i) {
    const auto& op = r.ops[i];
    if (op.errors == 0) continue;
    fmt::print(stderr, "smoke: {} failed {} times\n", OpName(static_cast<Op>(i)), op.errors);
    // A relay save of one node can fail when saves of other tasks from other nodes keep
    // conflicting with it (SERIALIZABLE; docs/benchmarks.md): the server saves again a second
    // later. Rare (under 1 %) is the repository's behaviour, not a broken bench.
    bool rare_relay = static_cast<Op>(i) == Op::kRelaySave && op.errors * 100 < op.latency.count;
    ok = ok && rare_relay;
  }
  if (r.callbacks_delivered == 0) fmt::print(stderr, "smoke: no callback delivered\n");
  return ok && r.callbacks_delivered > 0;
}

}  // namespace
}  // namespace liverec::bench

int main(int argc, char** argv) {
  using namespace liverec::bench;
  CLI::App app{"cluster_metadata_bench: a liverec cluster's metadata traffic against PostgreSQL"};
  SimOptions o;
  std::string url, streams = "1000,10000,50000", nodes = "3", json_path, renew = "bulk";
  std::string database = "liverec_simbench";
  double relay_ratio = 0.1;
  int64_t relays = -1;
  bool quick = false, keep = false, m3u8_only = false, no_sweep = false, no_fence = false;
  app.add_option("--postgres-url", url, "the server (a superuser; a database is made per run)")
      ->required();
  app.add_option("--streams", streams, "N, comma-separated: one run each");
  app.add_option("--nodes", nodes, "K, comma-separated: one run each (per N)");
  app.add_option("--relay-ratio", relay_ratio, "M = N x this (default 0.1)");
  app.add_option("--relays", relays, "M, fixed (instead of --relay-ratio)");
  app.add_option("--duration", o.duration_s, "measured seconds per run");
  app.add_option("--warmup", o.warmup_s, "seconds before the window");
  app.add_option("--slice-seconds", o.slice_s, "SliceDuration (API default 30)");
  app.add_option("--session-seconds", o.session_s, "a publisher leaves and returns this often");
  app.add_option("--mp4-cycle-seconds", o.mp4_cycle_s, "MP4 CycleDuration (default 3600)");
  app.add_option("--m3u8-cycle-seconds", o.m3u8_cycle_s, "m3u8 CycleDuration (default 21600)");
  app.add_flag("--m3u8-only", m3u8_only, "record m3u8 alone (no held slices, no MP4 files)");
  app.add_option("--relay-save-ms", o.relay_save_ms, "relay progress saves (default 1000)");
  app.add_option("--lease-seconds", o.lease_s, "[cluster] lease_seconds (default 10)");
  app.add_flag("--no-sweep", no_sweep, "without CloseExpired's ListOpenCycles every second");
  app.add_flag("--no-fence", no_fence, "without the fenced transaction per slice");
  app.add_option("--renew", renew, "bulk (one UPDATE per node and kind) or each (Renew per lease)");
  app.add_option("--workers", o.workers,
                 "threads per node for stream work (default 8, as recording.upload_threads)");
  app.add_option("--pool", o.pool_size, "PostgreSQL connections per node");
  app.add_option("--lag-bound-ms", o.lag_bound_ms, "sustained: p99 lag under this");
  app.add_option("--database", database, "the name of the run's database");
  app.add_flag("--keep", keep, "keep the last run's database");
  app.add_option("--json", json_path, "write every run's numbers here");
  app.add_flag("--quick", quick, "smoke test: N=300, K=2, 5 s slices, short cycles, 6 s window");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_default_logger(spdlog::stderr_color_mt("bench"));  // stdout is the tables
  spdlog::set_level(spdlog::level::warn);
  o.mp4 = !m3u8_only;
  o.sweep = !no_sweep;
  o.fence = !no_fence;
  o.renew = renew == "each" ? RenewMode::kEach : RenewMode::kBulk;
  if (quick) {
    streams = "300", nodes = "2", relays = 30;
    o.slice_s = 5, o.mp4_cycle_s = 300, o.m3u8_cycle_s = 900, o.session_s = 120;
    o.duration_s = 6, o.warmup_s = 2, o.lease_s = 3;
  }
  nlohmann::json all = nlohmann::json::array();
  std::vector<RunResult> results;
  bool ok = true;
  for (int64_t n : ParseList(streams)) {
    for (int64_t k : ParseList(nodes)) {
      SimOptions run = o;
      run.streams = n;
      run.nodes = static_cast<int>(k);
      run.relays =
          relays >= 0 ? relays : static_cast<int64_t>(static_cast<double>(n) * relay_ratio);
      fmt::print(stderr, "run: N={} M={} K={} ({} s + {} s)\n", n, run.relays, k, run.warmup_s,
                 run.duration_s);
      auto result = RunSim(run, url, database, keep);
      if (!result) {
        fmt::print(stderr, "run failed: {}\n", result.error().ToString());
        return 1;
      }
      results.push_back(*result);
      all.push_back(ToJson(*result));
      if (quick) ok = ok && SmokeOk(*result);
    }
  }
  PrintSummaryHeader();
  for (const auto& r : results) PrintSummaryRow(r);
  for (const auto& r : results) PrintOps(r);
  if (!json_path.empty()) std::ofstream(json_path) << all.dump(2) << "\n";
  return ok ? 0 : 1;
}
