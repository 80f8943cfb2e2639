#include "dataset.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/ids.h"
#include "base/random.h"
#include "base/time_format.h"
#include "metadata/migrations.h"
#include "metadata/sqlite/sqlite_database.h"
#include "metadata/tenant_repository.h"
#include "recorder/recording_plan.h"

namespace liverec::bench {
namespace {

constexpr int kFormatVersion = 1;
constexpr int64_t kRowsPerTransaction = 100'000;
constexpr const char* kSliceTemplate = "record/{AppName}/{StreamName}/{UnixTimestamp}_{Sequence}";
constexpr const char* kPlaylistTemplate =
    "record/{AppName}/{StreamName}/{Sequence}_{EscapedStartTime}_{EscapedEndTime}";

[[noreturn]] void Die(const std::string& what) {
  fmt::print(stderr, "index_queries_bench: {}\n", what);
  std::exit(1);
}

// Uniform in [lo, hi], from the stream's own generator.
int64_t Uniform(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
}

std::string MetaPath(const std::string& db_path) { return db_path + ".meta.json"; }

void RemoveDatabase(const std::string& db_path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal", ".meta.json"}) {
    std::error_code ec;
    std::filesystem::remove(db_path + suffix, ec);
  }
}

class Raw {
 public:
  explicit Raw(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      Die("cannot open " + path);
    }
  }
  ~Raw() { sqlite3_close_v2(db_); }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;

  void Exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "?";
      sqlite3_free(error);
      Die("SQL `" + sql + "`: " + message);
    }
  }
  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      Die("prepare `" + sql + "`: " + sqlite3_errmsg(db_));
    }
    return stmt;
  }
  void Step(sqlite3_stmt* stmt) {
    if (sqlite3_step(stmt) != SQLITE_DONE) Die(std::string("insert: ") + sqlite3_errmsg(db_));
    sqlite3_reset(stmt);
  }
  std::vector<std::string> Column(const std::string& sql) {
    sqlite3_stmt* stmt = Prepare(sql);
    std::vector<std::string> out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      out.emplace_back(text ? text : "");
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

void BindText(sqlite3_stmt* stmt, int index, const std::string& value) {
  sqlite3_bind_text(stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
}

std::string CreateSqliteTenant(const std::string& db_path, const DatasetSpec& spec,
                               const std::string& bucket_dir) {
  auto db = metadata::SqliteDatabase::Open(db_path);
  if (!db) Die(db.error().ToString());
  return CreateTenant(**db, spec, bucket_dir);
}

DatasetInfo Generate(const std::string& db_path, const DatasetSpec& spec,
                     const std::string& bucket_dir) {
  auto began = std::chrono::steady_clock::now();
  RemoveDatabase(db_path);
  std::string account_id = CreateSqliteTenant(db_path, spec, bucket_dir);

  Raw raw(db_path);
  raw.Exec(
      "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-524288; "
      "PRAGMA threads=2;");
  // The secondary slice indexes are dropped during the load and rebuilt from their own
  // definitions (sorting once is much faster than 25 M random inserts into them).
  std::vector<std::string> index_sql = raw.Column(
      "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'slices' AND "
      "sql IS NOT NULL");
  std::vector<std::string> index_names = raw.Column(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'slices' AND "
      "sql IS NOT NULL");
  for (const auto& name : index_names) raw.Exec("DROP INDEX " + name);

  sqlite3_stmt* insert_stream = raw.Prepare(
      "INSERT INTO streams (account_id, id, domain_name, app_name, stream_name, first_seen_ms, "
      "last_publish_ms, next_slice_sequence, next_cycle_sequence) VALUES (?,?,?,?,?,?,?,?,?)");
  sqlite3_stmt* insert_cycle = raw.Prepare(
      "INSERT INTO record_cycles (account_id, id, stream_id, config_id, format, sequence, "
      "config_json, state, live, start_ms, end_ms, last_activity_ms, object_key, closed_at_ms) "
      "VALUES (?,?,?,?,'m3u8',?,?,'closed',0,?,?,?,?,?)");
  sqlite3_stmt* insert_file = raw.Prepare(
      "INSERT INTO index_files (account_id, id, stream_id, source, endpoint, bucket, object_key, "
      "format, start_ms, end_ms, duration_ms, width, height, created_at_ms) "
      "VALUES (?,?,?,'cycle',?,?,?,'m3u8',?,?,?,1280,720,?)");
  sqlite3_stmt* insert_slice = raw.Prepare(
      "INSERT INTO slices (account_id, stream_id, start_ms, end_ms, duration_ms, bytes, endpoint, "
      "bucket, object_key, video_codec, audio_codec, width, height, sequence, cycle_id, "
      "discontinuity) VALUES (?,?,?,?,?,?,?,?,?,'h264','aac',1280,720,?,?,?)");

  const std::string endpoint = kEndpoint;
  const std::string bucket = kBucket;
  DatasetInfo info{spec, 0, 0, 0, true};
  int64_t in_transaction = 0;
  raw.Exec("BEGIN");
  auto row_done = [&] {
    if (++in_transaction >= kRowsPerTransaction) {
      raw.Exec("COMMIT; BEGIN");
      in_transaction = 0;
    }
  };

  for (int i = 0; i < spec.streams; ++i) {
    StreamPlan plan = PlanStream(spec, i, account_id);
    char key[128];
    for (const auto& cycle : plan.cycles) {
      BindText(insert_cycle, 1, account_id);
      BindText(insert_cycle, 2, cycle.id);
      BindText(insert_cycle, 3, plan.id);
      BindText(insert_cycle, 4, plan.config_id);
      sqlite3_bind_int64(insert_cycle, 5, cycle.sequence);
      BindText(insert_cycle, 6, plan.config_json);
      sqlite3_bind_int64(insert_cycle, 7, cycle.start_ms);
      sqlite3_bind_int64(insert_cycle, 8, cycle.end_ms);
      sqlite3_bind_int64(insert_cycle, 9, cycle.end_ms);
      BindText(insert_cycle, 10, cycle.key);
      sqlite3_bind_int64(insert_cycle, 11, cycle.end_ms + kCycleCloseDelayMs);
      raw.Step(insert_cycle);
      row_done();

      BindText(insert_file, 1, account_id);
      BindText(insert_file, 2, cycle.file_id);
      BindText(insert_file, 3, plan.id);
      BindText(insert_file, 4, endpoint);
      BindText(insert_file, 5, bucket);
      BindText(insert_file, 6, cycle.key);
      sqlite3_bind_int64(insert_file, 7, cycle.start_ms);
      sqlite3_bind_int64(insert_file, 8, cycle.end_ms);
      sqlite3_bind_int64(insert_file, 9, cycle.slices * kSliceMs);
      sqlite3_bind_int64(insert_file, 10, cycle.end_ms + kCycleCloseDelayMs);
      raw.Step(insert_file);
      row_done();
      ++info.cycles;

      for (int64_t k = 0; k < cycle.slices; ++k) {
        int64_t start = cycle.start_ms + k * kSliceMs;
        int64_t sequence = cycle.first_slice_sequence + k;
        int length = FormatSliceKey(key, sizeof key, plan.name, start, sequence);
        BindText(insert_slice, 1, account_id);
        BindText(insert_slice, 2, plan.id);
        sqlite3_bind_int64(insert_slice, 3, start);
        sqlite3_bind_int64(insert_slice, 4, start + kSliceMs);
        sqlite3_bind_int64(insert_slice, 5, kSliceMs);
        sqlite3_bind_int64(insert_slice, 6, SliceBytes(start));
        BindText(insert_slice, 7, endpoint);
        BindText(insert_slice, 8, bucket);
        sqlite3_bind_text(insert_slice, 9, key, length, SQLITE_STATIC);
        sqlite3_bind_int64(insert_slice, 10, sequence);
        BindText(insert_slice, 11, cycle.id);
        sqlite3_bind_int64(insert_slice, 12, cycle.starts_session && k == 0 ? 1 : 0);
        raw.Step(insert_slice);
        row_done();
        ++info.slices;
      }
    }
    BindText(insert_stream, 1, account_id);
    BindText(insert_stream, 2, plan.id);
    sqlite3_bind_text(insert_stream, 3, kDomain, -1, SQLITE_STATIC);
    sqlite3_bind_text(insert_stream, 4, kApp, -1, SQLITE_STATIC);
    BindText(insert_stream, 5, plan.name);
    sqlite3_bind_int64(insert_stream, 6, spec.StartMs());
    sqlite3_bind_int64(insert_stream, 7, plan.last_publish_ms);
    sqlite3_bind_int64(insert_stream, 8, plan.slices);
    sqlite3_bind_int64(insert_stream, 9, static_cast<int64_t>(plan.cycles.size()));
    raw.Step(insert_stream);
    row_done();
    fmt::print(stderr, "  stream {}/{}: {} slices so far ({:.0f} s)\n", i + 1, spec.streams,
               info.slices,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
  }
  raw.Exec("COMMIT");
  for (sqlite3_stmt* stmt : {insert_stream, insert_cycle, insert_file, insert_slice}) {
    sqlite3_finalize(stmt);
  }
  for (const auto& sql : index_sql) {
    fmt::print(stderr, "  {}\n", sql);
    raw.Exec(sql);
  }
  raw.Exec("PRAGMA journal_mode=WAL");
  info.generation_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();

  nlohmann::json meta = {{"format_version", kFormatVersion},
                         {"streams", spec.streams},
                         {"days", spec.days},
                         {"seed", spec.seed},
                         {"slices", info.slices},
                         {"cycles", info.cycles},
                         {"generation_s", info.generation_s}};
  std::ofstream(MetaPath(db_path)) << meta.dump(2) << "\n";
  return info;
}

}  // namespace

std::string CreateTenant(metadata::SqlDatabase& db, const DatasetSpec& spec,
                         const std::string& bucket_dir) {
  FakeClock clock(kEpochMs - 2 * kDayMs);
  SeededRandom random(spec.seed);
  if (auto s = metadata::ApplyMigrations(db, clock); !s.ok()) Die(s.ToString());
  metadata::TenantRepository tenants(db, clock, random);
  auto account = tenants.EnsureAccount(kAccountName);
  if (!account) Die(account.error().ToString());
  if (auto s = tenants.ReplaceDomains({{account->id, kDomain, {}}}); !s.ok()) Die(s.ToString());
  if (auto s = tenants.ReplaceBuckets({{account->id, kEndpoint, kBucket, "local", bucket_dir}});
      !s.ok()) {
    Die(s.ToString());
  }
  return account->id;
}

std::string StreamName(int index) { return fmt::format("s{:03d}", index); }

StreamPlan PlanStream(const DatasetSpec& spec, int index, const std::string& account_id) {
  StreamPlan plan;
  // Ids are UUIDv7 stamped before the data, increasing with the index: rows go in key order.
  SeededRandom random(spec.seed * 7919 + static_cast<uint64_t>(index));
  FakeClock id_clock(kEpochMs - kDayMs + index);
  plan.id = NewId(id_clock, random);
  plan.config_id = NewId(id_clock, random);
  plan.name = StreamName(index);
  plan.sessions = StreamSessions(spec, index);
  plan.last_publish_ms = plan.sessions.empty() ? spec.StartMs() : plan.sessions.back().start_ms;
  recorder::RecordingPlan recording{
      account_id, plan.id,           plan.config_id, kDomain, kApp, plan.name, kEndpoint,
      kBucket,    kPlaylistTemplate, kSliceTemplate, 21600,   30,   180,       0};
  plan.config_json = recorder::ToJson(recording).dump();
  for (const auto& session : plan.sessions) {
    for (int64_t first = 0; first < session.count; first += kCycleSlices) {
      CyclePlan cycle;
      cycle.sequence = static_cast<int64_t>(plan.cycles.size());
      cycle.slices = std::min(kCycleSlices, session.count - first);
      cycle.start_ms = session.start_ms + first * kSliceMs;
      cycle.end_ms = cycle.start_ms + cycle.slices * kSliceMs;
      cycle.first_slice_sequence = plan.slices;
      cycle.starts_session = first == 0;
      FakeClock cycle_clock(cycle.start_ms);
      cycle.id = NewId(cycle_clock, random);
      cycle.key = fmt::format("record/{}/{}/{}_{}_{}.m3u8", kApp, plan.name, cycle.sequence,
                              FormatObjectNameTime(cycle.start_ms, '-'),
                              FormatObjectNameTime(cycle.end_ms, '-'));
      FakeClock file_clock(cycle.end_ms + kCycleCloseDelayMs);
      cycle.file_id = NewId(file_clock, random);
      plan.slices += cycle.slices;
      plan.cycles.push_back(std::move(cycle));
    }
  }
  return plan;
}

int FormatSliceKey(char* out, size_t size, const std::string& stream_name, int64_t start_ms,
                   int64_t sequence) {
  return std::snprintf(out, size, "record/%s/%s/%lld_%lld.ts", kApp, stream_name.c_str(),
                       static_cast<long long>(start_ms / 1000), static_cast<long long>(sequence));
}

// ~2 Mbit/s with some spread.
int64_t SliceBytes(int64_t start_ms) { return 7'400'000 + (start_ms / 1000 * 7919) % 200'000; }

bool IsContinuous(int index) { return index % 5 == 0; }

std::vector<Session> StreamSessions(const DatasetSpec& spec, int index) {
  const int64_t end = spec.EndMs();
  if (IsContinuous(index)) return {{spec.StartMs(), (end - spec.StartMs()) / kSliceMs}};
  std::mt19937_64 rng(spec.seed * 1'000'003 + static_cast<uint64_t>(index));
  std::vector<Session> sessions;
  int64_t t = spec.StartMs() + Uniform(rng, 0, 3600'000);
  while (true) {
    int64_t count = Uniform(rng, 3 * 3600'000, 12 * 3600'000) / kSliceMs;
    count = std::min(count, (end - t) / kSliceMs);
    if (count <= 0) break;
    sessions.push_back({t, count});
    t += count * kSliceMs + Uniform(rng, 5 * 60'000, 60 * 60'000);
  }
  return sessions;
}

int64_t SlicesStartingIn(const std::vector<Session>& sessions, int64_t from_ms, int64_t to_ms) {
  auto ceil_div = [](int64_t a, int64_t b) { return a <= 0 ? 0 : (a + b - 1) / b; };
  int64_t total = 0;
  for (const auto& s : sessions) {
    int64_t lo = ceil_div(from_ms - s.start_ms, kSliceMs);
    int64_t hi = std::min(s.count, ceil_div(to_ms - s.start_ms, kSliceMs));
    if (hi > lo) total += hi - lo;
  }
  return total;
}

DatasetInfo EnsureDataset(const std::string& db_path, const DatasetSpec& spec,
                          const std::string& bucket_dir) {
  std::ifstream in(MetaPath(db_path));
  if (in && std::filesystem::exists(db_path)) {
    auto meta = nlohmann::json::parse(in, nullptr, false);
    if (meta.is_object() && meta.value("format_version", 0) == kFormatVersion &&
        meta.value("streams", 0) == spec.streams && meta.value("days", 0) == spec.days &&
        meta.value("seed", uint64_t{0}) == spec.seed) {
      return DatasetInfo{spec, meta.value("slices", int64_t{0}), meta.value("cycles", int64_t{0}),
                         meta.value("generation_s", 0.0), false};
    }
    fmt::print(stderr, "{}: made with other parameters; regenerating\n", db_path);
  }
  fmt::print(stderr, "generating {} ({} streams x {} days)...\n", db_path, spec.streams, spec.days);
  return Generate(db_path, spec, bucket_dir);
}

}  // namespace liverec::bench
