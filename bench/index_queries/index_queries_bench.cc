// index_queries_bench: performance targets P5-P7 (docs/benchmarks.md).
//
// Calls the real API actions in-process (parameter parsing, SQL through the SQLite backend,
// playlist text, the playlist put, the index-file insert, the JSON reply serialized) on a
// synthetic slice index (dataset.h), generated once into --db and reused:
//   P5  CreateLiveStreamRecordIndexFiles, 1 h range, random stream and start
//   P6  CreateLiveStreamRecordIndexFiles, 4-day range of a 24/7 stream (11 520 slices)
//   P7  DescribeLiveStreamRecordContent, 4-day range of a stream with gaps
// Each Create query runs with two buckets: an in-memory ObjectStore (query + playlist cost) and
// LocalObjectStore over a temp dir (adds the file write and its fsyncs). Latency: one thread,
// after a warm-up; wall-clock percentiles plus each request's thread CPU time. Throughput:
// 2 threads sharing the server's one SqliteDatabase, and, as a what-if, 2 threads with one
// SqliteDatabase each (what a read-connection pool would give). Breakdown rows: the repository
// query alone, and "diag" rows running SQL on a raw sqlite3 connection (the engine's share).
// Every measurement runs once per round; rounds interleave the variants (A, B, A, B ...). The
// database file is read once first so the page cache is warm (--no-prewarm to skip).
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "api/action_context.h"
#include "api/actions/actions.h"
#include "api/params.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/time_format.h"
#include "dataset.h"
#include "memory_object_store.h"
#include "metadata/index_file_repository.h"
#include "metadata/migrations.h"
#include "metadata/postgres/postgres_database.h"
#include "metadata/record_config_repository.h"
#include "metadata/recording_repository.h"
#include "metadata/sqlite/sqlite_database.h"
#include "metadata/tenant_repository.h"
#include "pg_raw.h"
#include "storage/local/local_object_store.h"

namespace liverec::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) {
  fmt::print(stderr, "index_queries_bench: {}\n", what);
  std::exit(1);
}

double MsSince(SteadyClock::time_point t) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count();
}

// ---------------------------------------------------------------------------------------------
// The server's composition of the index actions' dependencies, over one SQLite connection.

struct Stack {
  std::unique_ptr<metadata::SqlDatabase> db;
  std::unique_ptr<metadata::TenantRepository> tenants;
  std::unique_ptr<metadata::RecordConfigRepository> record_configs;
  std::unique_ptr<metadata::RecordingRepository> recordings;
  std::unique_ptr<metadata::IndexFileRepository> index_files;
  std::unique_ptr<api::ApiDependencies> deps;
  std::string account_id;
};

// `target`: the SQLite file, or the PostgreSQL URL (a pool of the server's default size, 8).
std::unique_ptr<Stack> OpenStack(bool postgres, const std::string& target,
                                 const liverec::Clock& clock, RandomSource& random,
                                 recorder::StoreLookup stores) {
  auto stack = std::make_unique<Stack>();
  if (postgres) {
    metadata::PostgresOptions options;
    options.url = target;
    auto db = metadata::PostgresDatabase::Open(options, clock);
    if (!db) Die(db.error().ToString());
    stack->db = std::move(*db);
  } else {
    auto db = metadata::SqliteDatabase::Open(target);
    if (!db) Die(db.error().ToString());
    stack->db = std::move(*db);
  }
  stack->tenants = std::make_unique<metadata::TenantRepository>(*stack->db, clock, random);
  stack->record_configs = std::make_unique<metadata::RecordConfigRepository>(*stack->db);
  stack->recordings = std::make_unique<metadata::RecordingRepository>(*stack->db, clock, random);
  stack->index_files = std::make_unique<metadata::IndexFileRepository>(*stack->db);
  stack->deps = std::make_unique<api::ApiDependencies>(api::ApiDependencies{
      clock, random, *stack->tenants, *stack->record_configs, api::RecordLimits{}});
  stack->deps->recordings = stack->recordings.get();
  stack->deps->index_files = stack->index_files.get();
  stack->deps->stores = std::move(stores);
  stack->deps->index.public_url = "http://127.0.0.1:8080";
  auto account = stack->tenants->FindAccountByName(kAccountName);
  if (!account || !*account) Die("no account '" + std::string(kAccountName) + "' in the database");
  stack->account_id = (*account)->id;
  return stack;
}

// ---------------------------------------------------------------------------------------------
// Requests: random streams and start times (fixed seed), picked so every one succeeds.

enum class Query { kP5, kP6, kP7 };

struct Range {
  int stream = 0;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t expected_slices = 0;
};

std::vector<Range> PickRanges(const DatasetSpec& spec,
                              const std::vector<std::vector<Session>>& sessions, Query query,
                              size_t n, uint64_t seed, int64_t now_ms, int64_t retention_ms) {
  std::mt19937_64 rng(seed);
  const int64_t length = query == Query::kP5 ? 3600'000 : 4 * kDayMs;
  const int64_t lo_s = std::max(spec.StartMs(), now_ms - retention_ms) / 1000;
  const int64_t hi_s = (spec.EndMs() - length) / 1000;
  std::vector<int> candidates;
  for (int i = 0; i < spec.streams; ++i) {
    if (query == Query::kP5 || (query == Query::kP6) == IsContinuous(i)) candidates.push_back(i);
  }
  if (candidates.empty()) Die("no stream fits this query");
  std::vector<Range> ranges;
  while (ranges.size() < n) {
    int stream = candidates[rng() % candidates.size()];
    int64_t start =
        (lo_s + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi_s - lo_s + 1))) * 1000;
    int64_t count = SlicesStartingIn(sessions[static_cast<size_t>(stream)], start, start + length);
    if (count == 0) continue;  // a 1 h range inside a gap: NoRecordContent, not what P5 is about
    ranges.push_back({stream, start, start + length, count});
  }
  return ranges;
}

api::Params MakeParams(const Range& r, bool create, const std::string& tag, size_t n) {
  api::ParamMap m{{"DomainName", kDomain},
                  {"AppName", kApp},
                  {"StreamName", StreamName(r.stream)},
                  {"StartTime", FormatIsoUtc(r.start_ms)},
                  {"EndTime", FormatIsoUtc(r.end_ms)}};
  if (create) {
    m["OssEndpoint"] = kEndpoint;
    m["OssBucket"] = kBucket;
    // Unique per request: objects are never overwritten.
    m["OssObject"] =
        fmt::format("bench/{}/{{AppName}}/{{StreamName}}/{{UnixTimestamp}}_{}.m3u8", tag, n);
  }
  return api::Params(std::move(m));
}

// ---------------------------------------------------------------------------------------------
// Measurement.

struct Summary {
  std::string name;
  int round = 0;
  int threads = 1;
  size_t requests = 0;
  size_t errors = 0;
  double wall_s = 0;
  // Wall-clock latency of each request (what a client sees).
  double p50 = 0, p90 = 0, p99 = 0, mean = 0, max = 0;
  // CPU time of the thread running the request (what it cost; waits for the CPU, the disk and
  // the database mutex excluded): robust to other tenants of the machine.
  double cpu_p50 = 0, cpu_mean = 0;
  double rps = 0;
  double cores_used = 0;  // process CPU time / wall time during the run
  double load1 = 0;       // 1-minute load average when the run began
  // PostgreSQL: CPU time of the database's server processes per request (0 on SQLite, where the
  // engine runs in the request's thread).
  double server_cpu_mean = 0;
  // PostgreSQL: buffer accesses per request (pg_stat_database of the bench's database): found in
  // shared_buffers (hit) or read from the OS (the page cache or the disk). Approximate: backends
  // report their counters at most once a second.
  double blocks_hit = 0, blocks_read = 0;
  double mean_items = 0;  // slices per playlist (Create) or content ranges (Describe)
  std::string first_error;
};

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

double CpuMs(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double LoadAverage1() {
  std::ifstream in("/proc/loadavg");
  double load = 0;
  in >> load;
  return load;
}

// One request: returns OK or the error; `items` gets what the reply counted.
using Call = std::function<Status(Stack&, size_t index, double& items)>;

// Cumulative counters of the database server serving the bench (empty: none).
struct ServerStats {
  double cpu_ms = 0;  // CPU time of the database's server processes
  double blocks_hit = 0;
  double blocks_read = 0;
};
using ServerCpu = std::function<ServerStats()>;

// Runs requests [0, n) over `threads` threads; thread t uses stacks[t % stacks.size()].
Summary Run(const std::string& name, int round, std::vector<std::unique_ptr<Stack>>& stacks,
            int threads, size_t warmup, size_t n, const Call& call,
            const ServerCpu& server_cpu = {}) {
  for (size_t i = 0; i < warmup; ++i) {
    double items = 0;
    (void)call(*stacks[0], i, items);
  }
  const auto count = static_cast<size_t>(threads);
  std::vector<std::vector<double>> latencies(count), cpu(count);
  std::vector<double> item_sums(count, 0);
  std::vector<size_t> errors(count, 0);
  std::vector<std::string> first_errors(count);
  std::atomic<size_t> next{warmup};
  const size_t end = warmup + n;
  auto worker = [&](size_t t) {
    latencies[t].reserve(n);
    cpu[t].reserve(n);
    Stack& stack = *stacks[t % stacks.size()];
    while (true) {
      size_t i = next.fetch_add(1);
      if (i >= end) break;
      double items = 0;
      double cpu_began = CpuMs(CLOCK_THREAD_CPUTIME_ID);
      auto began = SteadyClock::now();
      Status status = call(stack, i, items);
      latencies[t].push_back(MsSince(began));
      cpu[t].push_back(CpuMs(CLOCK_THREAD_CPUTIME_ID) - cpu_began);
      if (!status.ok()) {
        if (errors[t]++ == 0) first_errors[t] = status.ToString();
      } else {
        item_sums[t] += items;
      }
    }
  };
  Summary s;
  s.load1 = LoadAverage1();
  double process_cpu_began = CpuMs(CLOCK_PROCESS_CPUTIME_ID);
  ServerStats server_began = server_cpu ? server_cpu() : ServerStats{};
  auto began = SteadyClock::now();
  if (threads == 1) {
    worker(0);
  } else {
    std::vector<std::thread> pool;
    for (size_t t = 0; t < count; ++t) pool.emplace_back(worker, t);
    for (auto& thread : pool) thread.join();
  }
  double wall_ms = MsSince(began);
  ServerStats server_end = server_cpu ? server_cpu() : ServerStats{};
  double server_cpu_ms = server_end.cpu_ms - server_began.cpu_ms;
  s.cores_used = (CpuMs(CLOCK_PROCESS_CPUTIME_ID) - process_cpu_began + server_cpu_ms) / wall_ms;

  s.name = name;
  s.round = round;
  s.threads = threads;
  std::vector<double> all, all_cpu;
  double item_sum = 0;
  for (size_t t = 0; t < count; ++t) {
    all.insert(all.end(), latencies[t].begin(), latencies[t].end());
    all_cpu.insert(all_cpu.end(), cpu[t].begin(), cpu[t].end());
    s.errors += errors[t];
    item_sum += item_sums[t];
    if (s.first_error.empty()) s.first_error = first_errors[t];
  }
  std::sort(all.begin(), all.end());
  std::sort(all_cpu.begin(), all_cpu.end());
  s.requests = all.size();
  s.wall_s = wall_ms / 1000;
  s.p50 = Percentile(all, 0.50);
  s.p90 = Percentile(all, 0.90);
  s.p99 = Percentile(all, 0.99);
  s.max = all.empty() ? 0 : all.back();
  double sum = 0, cpu_sum = 0;
  for (double v : all) sum += v;
  for (double v : all_cpu) cpu_sum += v;
  s.mean = all.empty() ? 0 : sum / static_cast<double>(all.size());
  s.cpu_p50 = Percentile(all_cpu, 0.50);
  s.cpu_mean = all_cpu.empty() ? 0 : cpu_sum / static_cast<double>(all_cpu.size());
  s.rps = static_cast<double>(s.requests) / s.wall_s;
  if (s.requests) {
    const auto requests = static_cast<double>(s.requests);
    s.server_cpu_mean = server_cpu_ms / requests;
    s.blocks_hit = (server_end.blocks_hit - server_began.blocks_hit) / requests;
    s.blocks_read = (server_end.blocks_read - server_began.blocks_read) / requests;
  }
  size_t ok = s.requests - s.errors;
  s.mean_items = ok ? item_sum / static_cast<double>(ok) : 0;
  fmt::print(
      "  r{} {:<41} thr={} n={:>4} err={} p50={:7.3f} p90={:7.3f} p99={:8.3f} mean={:7.3f} "
      "max={:8.3f} cpu50={:7.3f} cpu_mean={:7.3f} server_cpu={:7.3f} ms {:7.1f} req/s "
      "blocks hit={:.0f} read={:.0f} "
      "cores={:.2f} load={:.2f} items={:.1f}{}\n",
      round, name, threads, s.requests, s.errors, s.p50, s.p90, s.p99, s.mean, s.max, s.cpu_p50,
      s.cpu_mean, s.server_cpu_mean, s.rps, s.blocks_hit, s.blocks_read, s.cores_used, s.load1,
      s.mean_items, s.first_error.empty() ? "" : "  first error: " + s.first_error);
  std::fflush(stdout);
  return s;
}

// A read-only connection of its own for the diagnostics.
class RawReader {
 public:
  RawReader(const std::string& path, std::string account_id) : account_id_(std::move(account_id)) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      Die("cannot open " + path + " read-only");
    }
    sqlite3_stmt* stmt = Prepare("SELECT stream_name, id FROM streams WHERE account_id = ?");
    sqlite3_bind_text(stmt, 1, account_id_.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      stream_ids_[reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))] =
          reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1));
    }
  }
  ~RawReader() {
    for (auto* stmt : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  RawReader(const RawReader&) = delete;
  RawReader& operator=(const RawReader&) = delete;

  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      Die("prepare: " + std::string(sqlite3_errmsg(db_)));
    }
    statements_.push_back(stmt);
    return stmt;
  }
  // Binds (account, stream, from, to), steps every row reading every column; the row count.
  int64_t StepAll(sqlite3_stmt* stmt, const std::string& stream, int64_t from_ms, int64_t to_ms) {
    const std::string& stream_id = stream_ids_.at(stream);
    sqlite3_bind_text(stmt, 1, account_id_.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, stream_id.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, from_ms);
    sqlite3_bind_int64(stmt, 4, to_ms);
    int64_t rows = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      int columns = sqlite3_column_count(stmt);
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_INTEGER) {
          checksum_ += static_cast<uint64_t>(sqlite3_column_int64(stmt, c));
        } else {
          checksum_ += static_cast<uint64_t>(sqlite3_column_bytes(stmt, c));
        }
      }
      ++rows;
    }
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? rows : -1;
  }

 private:
  sqlite3* db_ = nullptr;
  std::string account_id_;
  std::map<std::string, std::string> stream_ids_;
  std::vector<sqlite3_stmt*> statements_;
  uint64_t checksum_ = 0;
};

// Share of the file's pages in the OS page cache (mincore).
double ResidentShare(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat st {};
  fstat(fd, &st);
  size_t size = static_cast<size_t>(st.st_size);
  double share = -1;
  void* map = size ? mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
  if (map != MAP_FAILED) {
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> in_core((size + page - 1) / page);
    if (mincore(map, size, in_core.data()) == 0) {
      size_t resident = 0;
      for (unsigned char c : in_core) resident += c & 1;
      share = static_cast<double>(resident) / static_cast<double>(in_core.size());
    }
    munmap(map, size);
  }
  close(fd);
  return share;
}

// Reads the whole file once so the measurements run on a warm page cache.
void Prewarm(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buffer(1 << 20);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
  }
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

std::string ReadFirstLine(const std::string& path, const std::string& prefix = "") {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (prefix.empty() || line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Backends.

// CPU ms (user + system) of process `pid` so far, from /proc; 0 if it cannot be read (a server on
// another machine).
double ProcessCpuMs(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  // After the command: state is field 3; utime and stime are fields 14 and 15.
  for (int n = 3; n <= 15 && fields >> field; ++n) {
    if (n >= 14) ticks += std::stod(field);
  }
  return ticks * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// One metadata backend under test, with its copy of the index.
struct Backend {
  std::string name;  // "sqlite" | "postgres"
  bool postgres = false;
  std::string target;  // the SQLite file or the PostgreSQL database URL
  DatasetInfo info;
  uintmax_t bytes = 0;
  std::vector<std::unique_ptr<Stack>> shared;  // the server's set-up: one database object
  std::vector<std::unique_ptr<Stack>> pooled;  // SQLite what-if: a connection per thread
  std::unique_ptr<RawReader> raw;              // SQLite diagnostics
  sqlite3_stmt* raw_rows = nullptr;
  sqlite3_stmt* raw_ranges = nullptr;
  sqlite3_stmt* raw_index_only = nullptr;
  std::unique_ptr<PgRaw> pg;       // PostgreSQL: statistics, EXPLAIN
  std::unique_ptr<PgRaw> pg_diag;  // PostgreSQL diagnostics (a connection the CPU sampler sees)
  std::map<std::string, std::string> stream_ids;  // stream name -> id
  ServerCpu server_cpu;
};

void DescribePostgres(Backend& b) {
  b.bytes = std::stoull(b.pg->Rows("SELECT pg_database_size(current_database())")[0][0]);
  fmt::print("postgres: {}\n", b.pg->Rows("SELECT version()")[0][0]);
  for (const auto& row : b.pg->Rows(
           "SELECT name, current_setting(name), '' FROM pg_settings WHERE name IN ("
           "'shared_buffers', "
           "'effective_cache_size', 'work_mem', 'jit', 'fsync', 'synchronous_commit', "
           "'random_page_cost', 'wal_level', 'max_parallel_workers_per_gather', 'lc_collate') "
           "ORDER BY 1")) {
    fmt::print("  {} = {}{}\n", row[0], row[1], row[2]);
  }
  for (const auto& row :
       b.pg->Rows("SELECT c.relname, pg_size_pretty(pg_relation_size(c.oid)), c.relkind, "
                  "COALESCE(c.relallvisible::float / NULLIF(c.relpages, 0), 0) "
                  "FROM pg_class c WHERE c.relname LIKE 'slices%' ORDER BY 1")) {
    fmt::print("  relation {}: {}", row[0], row[1]);
    if (row[2] == "r") fmt::print(" (pages all-visible: {:.1f} %)", 100 * std::stod(row[3]));
    fmt::print("\n");
  }
}

// Applies the migrations this binary has and the database lacks, and says how long they took.
void MigrateTimed(const std::string& backend, metadata::SqlDatabase& db, const Clock& clock) {
  auto began = SteadyClock::now();
  auto before = metadata::SchemaVersion(db);
  if (!before) Die(before.error().ToString());
  if (auto s = metadata::ApplyMigrations(db, clock); !s.ok()) Die(backend + ": " + s.ToString());
  fmt::print("{}: schema version {} -> {} in {:.1f} s\n", backend, *before,
             *metadata::SchemaVersion(db), MsSince(began) / 1000);
}

// EXPLAIN (ANALYZE, BUFFERS) of the statement the repository runs for `range`, prepared and run
// 6 times first so that the plan shown is the one the plan cache settles on (generic or custom).
std::string ExplainPostgres(PgRaw& pg, const std::string& name, const std::string& sql,
                            const std::string& account_id, const std::string& stream_id,
                            int64_t from_ms, int64_t to_ms, bool with_limit) {
  pg.Exec("DEALLOCATE ALL");
  pg.Exec("PREPARE " + name + " AS " + sql);
  std::string args = fmt::format("'{}', '{}', {}, {}{}", account_id, stream_id, from_ms, to_ms,
                                 with_limit ? ", 100001" : "");
  for (int i = 0; i < 6; ++i) pg.Exec("EXECUTE " + name + "(" + args + ")");
  std::string out;
  for (const auto& row : pg.Rows("EXPLAIN (ANALYZE, BUFFERS) EXECUTE " + name + "(" + args + ")")) {
    out += row[0] + "\n";
  }
  return out;
}

}  // namespace
}  // namespace liverec::bench

int main(int argc, char** argv) {
  using namespace liverec;
  using namespace liverec::bench;

  CLI::App app{"index_queries_bench: P5-P7 (index queries) on a synthetic slice index"};
  std::string db_path;
  std::string backends_arg = "sqlite";
  std::string postgres_url;
  DatasetSpec spec;
  int rounds = 3;
  std::string work_dir = "/tmp/liverec-index-bench-work";
  std::string json_out;
  bool generate_only = false;
  bool migrate = false;
  bool cold = false;
  size_t p5_n = 2000, p6_n = 60, p7_n = 200;  // latency requests per round
  app.add_option("--backends", backends_arg, "sqlite, postgres or sqlite,postgres")
      ->capture_default_str();
  app.add_option("--db", db_path, "SQLite file of the index (generated if missing)");
  app.add_option("--postgres-url", postgres_url,
                 "PostgreSQL server (postgresql://...; the bench creates and reuses the database "
                 "liverec_bench_<streams>x<days> on it)");
  app.add_option("--streams", spec.streams, "streams in the index")->capture_default_str();
  app.add_option("--days", spec.days, "days of 30 s slices per stream")->capture_default_str();
  app.add_option("--seed", spec.seed, "data and request seed")->capture_default_str();
  app.add_option("--rounds", rounds, "rounds of every measurement")->capture_default_str();
  app.add_option("--work-dir", work_dir, "local bucket root (emptied first and at the end)")
      ->capture_default_str();
  app.add_option("--json", json_out, "write every summary to this JSON file");
  app.add_flag("--generate-only", generate_only, "make the database(s) and stop");
  app.add_flag("--migrate", migrate,
               "apply this binary's newer migrations to reused databases first (timed)");
  app.add_flag("--no-prewarm", cold, "do not read the SQLite file into the page cache first");
  app.add_option("--p5-requests", p5_n, "P5 latency requests per round")->capture_default_str();
  app.add_option("--p6-requests", p6_n, "P6 latency requests per round")->capture_default_str();
  app.add_option("--p7-requests", p7_n, "P7 latency requests per round")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  // Throughput requests per round.
  const size_t p5_throughput_n = 2 * p5_n;
  const size_t p6_throughput_n = p6_n + p6_n / 3;
  const size_t p7_throughput_n = p7_n;

  std::vector<Backend> backends;
  for (const std::string name : {"sqlite", "postgres"}) {
    if (("," + backends_arg + ",").find("," + name + ",") == std::string::npos) continue;
    Backend b;
    b.name = name;
    b.postgres = name == "postgres";
    backends.push_back(std::move(b));
  }
  if (backends.empty()) Die("--backends names no backend (sqlite, postgres)");

  SystemClock clock;
  OsRandom random;
  const std::string bucket_dir = work_dir + "/records";
  for (auto& b : backends) {
    if (b.postgres) {
      if (postgres_url.empty()) Die("--backends postgres needs --postgres-url");
      b.info = EnsurePostgresDataset(postgres_url, spec, bucket_dir, &b.target);
      if (migrate) MigrateTimed(b.name, *OpenStack(true, b.target, clock, random, {})->db, clock);
      b.pg = std::make_unique<PgRaw>(b.target);
      b.bytes = std::stoull(b.pg->Rows("SELECT pg_database_size(current_database())")[0][0]);
    } else {
      if (db_path.empty()) Die("--backends sqlite needs --db");
      b.target = db_path;
      b.info = EnsureDataset(db_path, spec, bucket_dir);
      if (migrate) MigrateTimed(b.name, *OpenStack(false, db_path, clock, random, {})->db, clock);
      b.bytes = std::filesystem::file_size(db_path);
    }
    fmt::print(
        "{} dataset: {} streams x {} days, {} slices, {} cycles, {} bytes ({:.2f} GiB), "
        "generated in {:.1f} s{}\n",
        b.name, spec.streams, spec.days, b.info.slices, b.info.cycles, b.bytes,
        static_cast<double>(b.bytes) / (1 << 30), b.info.generation_s,
        b.info.generated_now ? " (now)" : " (earlier; reused)");
  }
  if (backends.size() == 2 && backends[0].info.slices != backends[1].info.slices) {
    Die("the SQLite and PostgreSQL indexes differ in their slice counts");
  }
  if (generate_only) return 0;

  // Environment.
  utsname uts{};
  uname(&uts);
  fmt::print("machine: {} cores, {}, {}\n", std::thread::hardware_concurrency(),
             ReadFirstLine("/proc/meminfo", "MemTotal"),
             ReadFirstLine("/proc/cpuinfo", "model name"));
  fmt::print("kernel {} {}; SQLite {}; compiler {}\n", uts.sysname, uts.release,
             sqlite3_libversion(), __VERSION__);
  fmt::print("load average at start: {}\n", ReadFirstLine("/proc/loadavg"));
  for (auto& b : backends) {
    if (b.postgres) {
      DescribePostgres(b);
      continue;
    }
    fmt::print("database pages in the page cache: {:.1f} %", 100 * ResidentShare(db_path));
    if (!cold) {
      auto began = SteadyClock::now();
      Prewarm(db_path);
      fmt::print("; read once in {:.1f} s: {:.1f} %", MsSince(began) / 1000,
                 100 * ResidentShare(db_path));
    }
    fmt::print("\n");
  }

  std::error_code ec;
  std::filesystem::remove_all(work_dir, ec);
  std::filesystem::create_directories(bucket_dir);
  MemoryObjectStore memory_store;
  storage::LocalObjectStore local_store(bucket_dir);
  std::atomic<storage::ObjectStore*> current_store{&memory_store};
  recorder::StoreLookup lookup = [&current_store](const std::string& endpoint,
                                                  const std::string& bucket) {
    return endpoint == kEndpoint && bucket == kBucket ? current_store.load() : nullptr;
  };

  const std::string where =
      " FROM slices WHERE account_id = ?1 AND stream_id = ?2 AND start_ms >= ?3 AND start_ms < ?4";
  for (auto& b : backends) {
    // The server's set-up: one database object shared by every worker thread (SQLite: one
    // connection behind a mutex; PostgreSQL: the pool)...
    b.shared.push_back(OpenStack(b.postgres, b.target, clock, random, lookup));
    // Index files made by earlier runs go first (the cycles' own index files stay).
    (void)b.shared[0]->db->Execute("DELETE FROM index_files WHERE source = 'index'", {});
    if (b.postgres) {
      b.pg_diag = std::make_unique<PgRaw>(b.target);
      for (const auto& row : b.pg->Rows("SELECT stream_name, id FROM streams")) {
        b.stream_ids[row[0]] = row[1];
      }
      PgRaw* pg = b.pg.get();
      b.server_cpu = [pg] {
        ServerStats stats;
        for (const auto& row :
             pg->Rows("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND "
                      "backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
          stats.cpu_ms += ProcessCpuMs(row[0]);
        }
        auto blocks = pg->Rows(
            "SELECT blks_hit, blks_read FROM pg_stat_database WHERE datname = current_database()");
        stats.blocks_hit = std::stod(blocks[0][0]);
        stats.blocks_read = std::stod(blocks[0][1]);
        return stats;
      };
      continue;
    }
    // ...and, as a what-if on SQLite, one connection per thread.
    b.pooled.push_back(OpenStack(false, b.target, clock, random, lookup));
    b.pooled.push_back(OpenStack(false, b.target, clock, random, lookup));
    auto plan = b.shared[0]->db->Query(
        "EXPLAIN QUERY PLAN SELECT * FROM slices WHERE account_id = ? AND stream_id = ? AND "
        "start_ms >= ? AND start_ms < ? ORDER BY start_ms LIMIT ?",
        {std::string("a"), std::string("s"), int64_t{0}, int64_t{1}, int64_t{1}});
    if (plan) {
      for (const auto& row : *plan) fmt::print("query plan: {}\n", metadata::AsText(row.back()));
    }
    // Diagnostics under the repository: the SQLite engine alone, on its own read-only
    // connection with statements prepared once, stepping every row and reading every column.
    b.raw = std::make_unique<RawReader>(db_path, b.shared[0]->account_id);
    b.raw_rows = b.raw->Prepare(
        "SELECT account_id, stream_id, start_ms, end_ms, duration_ms, bytes, endpoint, bucket, "
        "object_key, video_codec, audio_codec, width, height, sequence, cycle_id, discontinuity" +
        where + " ORDER BY start_ms LIMIT 100001");
    // DescribeLiveStreamRecordContent's merge done by SQL (gaps and islands with window
    // functions): one row per content range instead of one per slice.
    b.raw_ranges = b.raw->Prepare(
        "WITH s AS (SELECT start_ms, end_ms, duration_ms, endpoint, bucket, cycle_id, "
        "CASE WHEN start_ms - LAG(end_ms) OVER w <= 100 AND endpoint = LAG(endpoint) OVER w AND "
        "bucket = LAG(bucket) OVER w THEN 0 ELSE 1 END AS brk" +
        where +
        " WINDOW w AS (ORDER BY start_ms)), "
        "g AS (SELECT *, SUM(brk) OVER (ORDER BY start_ms) AS grp FROM s) "
        "SELECT endpoint, bucket, MIN(cycle_id), MIN(start_ms), MAX(end_ms), SUM(duration_ms) "
        "FROM g GROUP BY grp ORDER BY grp");
    // The same range read from the primary-key index alone (covering): no table row is visited.
    b.raw_index_only = b.raw->Prepare("SELECT start_ms" + where + " ORDER BY start_ms");
  }

  const int64_t now_ms = spec.EndMs();  // "now" is the end of the data: all 90 days retained
  const int64_t retention_ms = backends[0].shared[0]->deps->index.slice_retention_ms;
  std::vector<std::vector<Session>> sessions;
  for (int i = 0; i < spec.streams; ++i) sessions.push_back(StreamSessions(spec, i));

  const size_t p5_total = 200 + std::max(p5_n, p5_throughput_n);
  const size_t p6_total = 10 + std::max(p6_n, p6_throughput_n);
  const size_t p7_total = 20 + std::max(p7_n, p7_throughput_n);
  auto p5_ranges =
      PickRanges(spec, sessions, Query::kP5, p5_total, spec.seed + 5, now_ms, retention_ms);
  auto p6_ranges =
      PickRanges(spec, sessions, Query::kP6, p6_total, spec.seed + 6, now_ms, retention_ms);
  auto p7_ranges =
      PickRanges(spec, sessions, Query::kP7, p7_total, spec.seed + 7, now_ms, retention_ms);

  std::atomic<size_t> object_counter{0};
  // A Create call through the action; the reply is serialized as the HTTP layer would.
  auto create_call = [&](const std::vector<Range>& ranges, const std::string& tag) -> Call {
    return
        [&ranges, &object_counter, &now_ms, tag](Stack& stack, size_t i, double& items) -> Status {
          const Range& range = ranges[i % ranges.size()];
          api::Params params = MakeParams(range, true, tag, object_counter.fetch_add(1));
          api::ActionContext context{*stack.deps, {stack.account_id, "bench"}, now_ms, "bench"};
          auto reply = api::actions::CreateLiveStreamRecordIndexFiles(context, params);
          if (!reply) return reply.error();
          std::string text = reply->dump();
          double duration_s = (*reply)["RecordInfo"]["Duration"].get<double>();
          items = duration_s / 30.0;
          if (static_cast<int64_t>(std::lround(items)) != range.expected_slices) {
            return Status(ErrorCode::kInternalError, "",
                          fmt::format("{} slices, expected {}", items, range.expected_slices));
          }
          return Status::Ok();
        };
  };
  auto describe_call = [&](const std::vector<Range>& ranges) -> Call {
    return [&ranges, &now_ms](Stack& stack, size_t i, double& items) -> Status {
      const Range& range = ranges[i % ranges.size()];
      api::Params params = MakeParams(range, false, "", 0);
      api::ActionContext context{*stack.deps, {stack.account_id, "bench"}, now_ms, "bench"};
      auto reply = api::actions::DescribeLiveStreamRecordContent(context, params);
      if (!reply) return reply.error();
      std::string text = reply->dump();
      const auto& list = (*reply)["RecordContentInfoList"]["RecordContentInfo"];
      double seconds = 0;
      for (const auto& entry : list) seconds += entry["Duration"].get<double>();
      if (std::lround(seconds / 30.0) != range.expected_slices) {
        return Status(ErrorCode::kInternalError, "", "durations do not add up");
      }
      items = static_cast<double>(list.size());
      return Status::Ok();
    };
  };
  auto raw_call = [&](const std::vector<Range>& ranges, Backend& b, sqlite3_stmt* stmt) -> Call {
    RawReader* raw = b.raw.get();
    return [&ranges, raw, stmt](Stack&, size_t i, double& items) -> Status {
      const Range& range = ranges[i % ranges.size()];
      int64_t rows = raw->StepAll(stmt, StreamName(range.stream), range.start_ms, range.end_ms);
      if (rows < 0) return Status(ErrorCode::kInternalError, "", "raw query failed");
      items = static_cast<double>(rows);
      return Status::Ok();
    };
  };

  // PostgreSQL diagnostics: `sql` (a format string of the account, the stream and the range) on
  // a plain libpq connection, the whole result received at once and not read (the engine and
  // protocol share, without liverec's row handling).
  auto pg_call = [&](const std::vector<Range>& ranges, Backend& b, const std::string& sql) -> Call {
    return [&ranges, &b, sql](Stack& stack, size_t i, double& items) -> Status {
      const Range& range = ranges[i % ranges.size()];
      items = static_cast<double>(b.pg_diag->CountRows(
          fmt::format(fmt::runtime(sql), stack.account_id,
                      b.stream_ids.at(StreamName(range.stream)), range.start_ms, range.end_ms)));
      return Status::Ok();
    };
  };
  const std::string pg_where =
      " FROM slices WHERE account_id = '{}' AND stream_id = '{}' AND start_ms >= {} AND "
      "start_ms < {}";
  const std::string pg_rows_sql =
      "SELECT account_id, stream_id, start_ms, end_ms, duration_ms, bytes, endpoint, bucket, "
      "object_key, video_codec, audio_codec, width, height, sequence, cycle_id, discontinuity" +
      pg_where + " ORDER BY start_ms LIMIT 100001";
  const std::string pg_spans_sql =
      "SELECT start_ms, end_ms, duration_ms, endpoint, bucket" + pg_where + " ORDER BY start_ms";
  const std::string pg_ranges_sql =
      "WITH s AS (SELECT start_ms, end_ms, duration_ms, endpoint, bucket, cycle_id, "
      "CASE WHEN start_ms - LAG(end_ms) OVER w <= 100 AND endpoint = LAG(endpoint) OVER w AND "
      "bucket = LAG(bucket) OVER w THEN 0 ELSE 1 END AS brk" +
      pg_where +
      " WINDOW w AS (ORDER BY start_ms)), "
      "g AS (SELECT *, SUM(brk) OVER (ORDER BY start_ms) AS grp FROM s) "
      "SELECT endpoint, bucket, MIN(cycle_id), MIN(start_ms), MAX(end_ms), SUM(duration_ms) "
      "FROM g GROUP BY grp, endpoint, bucket ORDER BY grp";

  // The slice query alone (IndexFileRepository::SlicesStartingIn), for the cost breakdown.
  auto sql_call = [&](const std::vector<Range>& ranges) -> Call {
    return [&ranges](Stack& stack, size_t i, double& items) -> Status {
      const Range& range = ranges[i % ranges.size()];
      auto stream =
          stack.recordings->FindStream(stack.account_id, kDomain, kApp, StreamName(range.stream));
      if (!stream || !*stream) return Status(ErrorCode::kInternalError, "", "no stream");
      auto slices = stack.index_files->SlicesStartingIn(stack.account_id, (*stream)->id,
                                                        range.start_ms, range.end_ms, 100'001);
      if (!slices) return slices.error();
      items = static_cast<double>(slices->size());
      return Status::Ok();
    };
  };

  // Every range each measurement uses, read once per backend before the rounds, so every
  // backend starts with its working set in memory (the SQLite file read above aside, PostgreSQL
  // pages come into shared_buffers from disk or the page cache here).
  for (auto& b : backends) {
    auto began = SteadyClock::now();
    for (const auto* ranges : {&p5_ranges, &p6_ranges, &p7_ranges}) {
      auto call = sql_call(*ranges);
      for (size_t i = 0; i < ranges->size(); ++i) {
        double items = 0;
        if (auto s = call(*b.shared[0], i, items); !s.ok()) Die(b.name + ": " + s.ToString());
      }
    }
    auto describe = describe_call(p7_ranges);
    for (size_t i = 0; i < p7_ranges.size(); ++i) {
      double items = 0;
      if (auto s = describe(*b.shared[0], i, items); !s.ok()) Die(b.name + ": " + s.ToString());
    }
    fmt::print("{}: every range read once in {:.1f} s\n", b.name, MsSince(began) / 1000);
  }

  std::vector<Summary> all;
  std::vector<std::string> backend_of;  // all[i]'s backend
  auto with_store = [&](Backend& b, storage::ObjectStore* store,
                        const std::function<Summary()>& body) {
    current_store.store(store);
    all.push_back(body());
    backend_of.push_back(b.name);
    memory_store.Clear();
  };
  using Measurement = std::function<void(Backend&, int round, const std::string& r)>;
  // Each measurement runs on every backend in turn (sqlite, postgres, sqlite, ...).
  std::vector<Measurement> measurements;
  auto latency = [&](const std::string& what, bool local, int threads, size_t warmup,
                     const std::vector<Range>& ranges, size_t n, const std::string& tag) {
    measurements.push_back([&, what, local, threads, warmup, n, tag](Backend& b, int round,
                                                                     const std::string& r) {
      with_store(b, local ? static_cast<storage::ObjectStore*>(&local_store) : &memory_store, [&] {
        return Run(b.name + " " + what, round, b.shared, threads, warmup, n,
                   create_call(ranges, b.name + tag + r), b.server_cpu);
      });
    });
  };
  latency("P5 create 1h memory", false, 1, 200, p5_ranges, p5_n, "p5m");
  latency("P5 create 1h local", true, 1, 200, p5_ranges, p5_n, "p5l");
  latency("P5 create 1h memory", false, 2, 200, p5_ranges, p5_throughput_n, "p5m2");
  latency("P5 create 1h local", true, 2, 200, p5_ranges, p5_throughput_n, "p5l2");
  measurements.push_back([&](Backend& b, int round, const std::string& r) {
    if (b.pooled.empty()) return;
    with_store(b, &memory_store, [&] {
      return Run(b.name + " P5 create 1h memory conn/thread", round, b.pooled, 2, 200,
                 p5_throughput_n, create_call(p5_ranges, b.name + "p5p" + r));
    });
  });
  auto other = [&](const std::string& what, int threads, size_t warmup, size_t n,
                   const std::function<Call(Backend&)>& make, bool pooled = false) {
    measurements.push_back(
        [&, what, threads, warmup, n, make, pooled](Backend& b, int round, const std::string&) {
          if (pooled && b.pooled.empty()) return;
          with_store(b, &memory_store, [&] {
            return Run(b.name + " " + what, round, pooled ? b.pooled : b.shared, threads, warmup, n,
                       make(b), pooled ? ServerCpu{} : b.server_cpu);
          });
        });
  };
  other("P5 sql only 1h", 1, 200, p5_n, [&](Backend&) { return sql_call(p5_ranges); });
  latency("P6 create 4d memory", false, 1, 10, p6_ranges, p6_n, "p6m");
  latency("P6 create 4d local", true, 1, 10, p6_ranges, p6_n, "p6l");
  latency("P6 create 4d memory", false, 2, 10, p6_ranges, p6_throughput_n, "p6m2");
  measurements.push_back([&](Backend& b, int round, const std::string& r) {
    if (b.pooled.empty()) return;
    with_store(b, &memory_store, [&] {
      return Run(b.name + " P6 create 4d memory conn/thread", round, b.pooled, 2, 10,
                 p6_throughput_n, create_call(p6_ranges, b.name + "p6p" + r));
    });
  });
  other("P6 sql only 4d", 1, 10, p6_n, [&](Backend&) { return sql_call(p6_ranges); });
  other("P7 describe 4d", 1, 20, p7_n, [&](Backend&) { return describe_call(p7_ranges); });
  other("P7 describe 4d", 2, 20, p7_throughput_n,
        [&](Backend&) { return describe_call(p7_ranges); });
  other(
      "P7 describe 4d conn/thread", 2, 20, p7_throughput_n,
      [&](Backend&) { return describe_call(p7_ranges); }, true);
  other("P7 sql only 4d", 1, 20, p7_n, [&](Backend&) { return sql_call(p7_ranges); });
  auto diag = [&](const std::string& what, size_t warmup, size_t n,
                  const std::vector<Range>& ranges, sqlite3_stmt* Backend::*stmt) {
    measurements.push_back([&, what, warmup, n, stmt](Backend& b, int round, const std::string&) {
      if (!b.raw) return;
      with_store(b, &memory_store, [&] {
        return Run(b.name + " " + what, round, b.shared, 1, warmup, n,
                   raw_call(ranges, b, b.*stmt));
      });
    });
  };
  diag("diag P6 raw sqlite step 4d", 10, p6_n, p6_ranges, &Backend::raw_rows);
  diag("diag P7 raw sqlite step 4d", 20, p7_n, p7_ranges, &Backend::raw_rows);
  diag("diag P7 raw sqlite index-only 4d", 20, p7_n, p7_ranges, &Backend::raw_index_only);
  diag("diag P7 raw sqlite window ranges 4d", 10, p6_n, p7_ranges, &Backend::raw_ranges);

  auto pg_diag = [&](const std::string& what, size_t warmup, size_t n,
                     const std::vector<Range>& ranges, const std::string& sql) {
    measurements.push_back([&, what, warmup, n, sql](Backend& b, int round, const std::string&) {
      if (!b.pg_diag) return;
      with_store(b, &memory_store, [&] {
        return Run(b.name + " " + what, round, b.shared, 1, warmup, n, pg_call(ranges, b, sql),
                   b.server_cpu);
      });
    });
  };
  pg_diag("diag P6 raw pg rows 4d", 10, p6_n, p6_ranges, pg_rows_sql);
  pg_diag("diag P7 raw pg rows 4d", 20, p7_n, p7_ranges, pg_rows_sql);
  pg_diag("diag P7 raw pg spans 4d", 20, p7_n, p7_ranges, pg_spans_sql);
  pg_diag("diag P7 raw pg window ranges 4d", 20, p7_n, p7_ranges, pg_ranges_sql);

  for (int round = 1; round <= rounds; ++round) {
    fmt::print("round {}/{}\n", round, rounds);
    const std::string r = std::to_string(round);
    for (const auto& measure : measurements) {
      for (auto& b : backends) measure(b, round, r);
    }
  }
  fmt::print("load average at end: {}\n", ReadFirstLine("/proc/loadavg"));
  if (!backends[0].postgres) {
    fmt::print("database pages in the page cache at end: {:.1f} %\n", 100 * ResidentShare(db_path));
  }

  // PostgreSQL: the plans and buffers of the three queries, on the first range of each.
  nlohmann::json plans = nlohmann::json::object();
  for (auto& b : backends) {
    if (!b.postgres) continue;
    const std::string& account = b.shared[0]->account_id;
    auto stream_id = [&](const Range& range) {
      auto stream =
          b.shared[0]->recordings->FindStream(account, kDomain, kApp, StreamName(range.stream));
      if (!stream || !*stream) Die("no stream " + StreamName(range.stream));
      return (*stream)->id;
    };
    const std::string rows_sql =
        "SELECT account_id, stream_id, start_ms, end_ms, duration_ms, bytes, endpoint, bucket, "
        "object_key, video_codec, audio_codec, width, height, sequence, cycle_id, discontinuity "
        "FROM slices WHERE account_id = $1 AND stream_id = $2 AND start_ms >= $3 AND start_ms < "
        "$4 ORDER BY start_ms LIMIT $5";
    const std::string spans_sql =
        "SELECT start_ms, end_ms, duration_ms, endpoint, bucket FROM slices WHERE account_id = $1 "
        "AND stream_id = $2 AND start_ms >= $3 AND start_ms < $4 ORDER BY start_ms";
    struct Item {
      const char* key;
      const Range* range;
      const std::string* sql;
      bool limit;
    };
    for (const Item& item :
         {Item{"P5", &p5_ranges[0], &rows_sql, true}, Item{"P6", &p6_ranges[0], &rows_sql, true},
          Item{"P7", &p7_ranges[0], &spans_sql, false}}) {
      std::string text = ExplainPostgres(*b.pg, std::string("bench_") + item.key, *item.sql,
                                         account, stream_id(*item.range), item.range->start_ms,
                                         item.range->end_ms, item.limit);
      fmt::print("\npostgres EXPLAIN (ANALYZE, BUFFERS), {}:\n{}", item.key, text);
      plans[item.key] = text;
    }
  }

  // Medians over the rounds, per (name, threads).
  fmt::print("\nmedian of {} rounds ({} streams x {} days, {} slices)\n", rounds, spec.streams,
             spec.days, backends[0].info.slices);
  fmt::print(
      "| measurement | threads | requests/round | p50 ms | p90 ms | p99 ms | mean ms | CPU p50 ms "
      "| CPU mean ms | server CPU mean ms | server blocks hit / read | req/s | cores used | load1 "
      "| items/request | errors "
      "|\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
      "\n");
  std::vector<std::pair<std::string, int>> keys;
  for (const auto& s : all) {
    if (std::find(keys.begin(), keys.end(), std::make_pair(s.name, s.threads)) == keys.end()) {
      keys.emplace_back(s.name, s.threads);
    }
  }
  nlohmann::json medians = nlohmann::json::array();
  for (const auto& [name, threads] : keys) {
    std::vector<double> p50, p90, p99, mean, cpu50, cpu_mean, server_cpu, rps, cores, load, items;
    std::vector<double> hit, read;
    size_t requests = 0, errors = 0;
    std::string backend;
    for (size_t k = 0; k < all.size(); ++k) {
      const Summary& s = all[k];
      if (s.name != name || s.threads != threads) continue;
      backend = backend_of[k];
      p50.push_back(s.p50);
      p90.push_back(s.p90);
      p99.push_back(s.p99);
      mean.push_back(s.mean);
      cpu50.push_back(s.cpu_p50);
      cpu_mean.push_back(s.cpu_mean);
      server_cpu.push_back(s.server_cpu_mean);
      hit.push_back(s.blocks_hit);
      read.push_back(s.blocks_read);
      cores.push_back(s.cores_used);
      load.push_back(s.load1);
      rps.push_back(s.rps);
      items.push_back(s.mean_items);
      requests = s.requests;
      errors += s.errors;
    }
    fmt::print(
        "| {} | {} | {} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.0f} / "
        "{:.0f} | {:.0f} | {:.2f} | {:.2f} | {:.1f} | {} |\n",
        name, threads, requests, Median(p50), Median(p90), Median(p99), Median(mean), Median(cpu50),
        Median(cpu_mean), Median(server_cpu), Median(hit), Median(read), Median(rps), Median(cores),
        Median(load), Median(items), errors);
    medians.push_back({{"backend", backend},
                       {"name", name},
                       {"threads", threads},
                       {"requests_per_round", requests},
                       {"p50_ms", Median(p50)},
                       {"p90_ms", Median(p90)},
                       {"p99_ms", Median(p99)},
                       {"mean_ms", Median(mean)},
                       {"cpu_p50_ms", Median(cpu50)},
                       {"cpu_mean_ms", Median(cpu_mean)},
                       {"server_cpu_mean_ms", Median(server_cpu)},
                       {"server_blocks_hit", Median(hit)},
                       {"server_blocks_read", Median(read)},
                       {"cores_used", Median(cores)},
                       {"load1", Median(load)},
                       {"rps", Median(rps)},
                       {"items", Median(items)},
                       {"errors", errors},
                       {"p50_by_round", p50},
                       {"rps_by_round", rps}});
  }

  if (!json_out.empty()) {
    nlohmann::json datasets = nlohmann::json::array();
    for (const auto& b : backends) {
      datasets.push_back({{"backend", b.name},
                          {"slices", b.info.slices},
                          {"cycles", b.info.cycles},
                          {"bytes", b.bytes},
                          {"generation_s", b.info.generation_s}});
    }
    nlohmann::json out = {{"streams", spec.streams}, {"days", spec.days},
                          {"rounds", rounds},        {"datasets", datasets},
                          {"medians", medians},      {"postgres_plans", plans}};
    std::ofstream(json_out) << out.dump(2) << "\n";
  }
  for (auto& b : backends) {
    (void)b.shared[0]->db->Execute("DELETE FROM index_files WHERE source = 'index'", {});
  }
  std::filesystem::remove_all(work_dir, ec);
  return 0;
}
