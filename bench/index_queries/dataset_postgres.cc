// The PostgreSQL copy of the benchmark's slice index (dataset.h): COPY FROM STDIN over libpq.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <queue>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "dataset.h"
#include "metadata/postgres/postgres_database.h"
#include "metadata/postgres/postgres_url.h"
#include "pg_raw.h"

namespace liverec::bench {
namespace {

constexpr int kPostgresFormatVersion = 1;

[[noreturn]] void Die(const std::string& what) {
  fmt::print(stderr, "index_queries_bench: {}\n", what);
  std::exit(1);
}

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string Quote(const std::string& name) { return "\"" + name + "\""; }

std::optional<nlohmann::json> StoredMeta(PgRaw& server, const std::string& server_url,
                                         const std::string& name) {
  auto exists = server.Rows("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
  if (exists.empty()) return std::nullopt;
  PgRaw db(metadata::WithDatabaseName(server_url, name));
  auto table = db.Rows("SELECT to_regclass('bench_meta') IS NOT NULL");
  if (table[0][0] != "t") return std::nullopt;
  auto rows = db.Rows("SELECT meta FROM bench_meta");
  if (rows.empty()) return std::nullopt;
  auto meta = nlohmann::json::parse(rows[0][0], nullptr, false);
  if (!meta.is_object()) return std::nullopt;
  return meta;
}

// The slice table's constraints and indexes, as SQL that re-makes them, in the order to run it:
// primary key, secondary indexes, foreign keys.
struct SliceDefinitions {
  std::vector<std::string> drop;
  std::vector<std::string> create;
};

SliceDefinitions ReadSliceDefinitions(PgRaw& db) {
  SliceDefinitions defs;
  auto constraints = db.Rows(
      "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
      "WHERE conrelid = 'slices'::regclass AND contype IN ('p', 'f') ORDER BY contype DESC");
  auto indexes = db.Rows(
      "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'slices' AND indexname NOT IN "
      "(SELECT conname FROM pg_constraint WHERE conrelid = 'slices'::regclass) ORDER BY 1");
  // contype DESC: 'p' (primary key) before 'f'; foreign keys are dropped first, made last.
  std::vector<std::string> foreign;
  for (const auto& c : constraints) {
    std::string drop = "ALTER TABLE slices DROP CONSTRAINT " + Quote(c[0]);
    std::string add = "ALTER TABLE slices ADD CONSTRAINT " + Quote(c[0]) + " " + c[1];
    if (c[2] == "f") {
      defs.drop.insert(defs.drop.begin(), drop);
      foreign.push_back(add);
    } else {
      defs.drop.push_back(drop);
      defs.create.push_back(add);
    }
  }
  for (const auto& index : indexes) {
    defs.drop.push_back("DROP INDEX " + Quote(index[0]));
    defs.create.push_back(index[1]);
  }
  defs.create.insert(defs.create.end(), foreign.begin(), foreign.end());
  return defs;
}

void CopyStreamsCyclesFiles(PgRaw& db, const std::string& account_id, const DatasetSpec& spec,
                            const std::vector<StreamPlan>& plans) {
  size_t next = 0;
  db.Copy(
      "COPY streams (account_id, id, domain_name, app_name, stream_name, first_seen_ms, "
      "last_publish_ms, next_slice_sequence, next_cycle_sequence) FROM STDIN",
      [&](std::string& out) {
        const StreamPlan& p = plans[next];
        fmt::format_to(std::back_inserter(out), "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", account_id,
                       p.id, kDomain, kApp, p.name, spec.StartMs(), p.last_publish_ms, p.slices,
                       p.cycles.size());
        return ++next < plans.size();
      });
  // config_json is JSON without tabs, newlines or backslashes outside escapes: COPY text format
  // needs its backslashes doubled.
  auto copy_text = [](std::string s) {
    std::string out;
    for (char c : s) {
      if (c == '\\') out += '\\';
      out += c;
    }
    return out;
  };
  std::string cycles, files;
  for (const auto& p : plans) {
    std::string config = copy_text(p.config_json);
    for (const auto& c : p.cycles) {
      fmt::format_to(std::back_inserter(cycles),
                     "{}\t{}\t{}\t{}\tm3u8\t{}\t{}\tclosed\t0\t{}\t{}\t{}\t{}\t{}\n", account_id,
                     c.id, p.id, p.config_id, c.sequence, config, c.start_ms, c.end_ms, c.end_ms,
                     c.key, c.end_ms + kCycleCloseDelayMs);
      fmt::format_to(std::back_inserter(files),
                     "{}\t{}\t{}\tcycle\t{}\t{}\t{}\tm3u8\t{}\t{}\t{}\t1280\t720\t{}\n", account_id,
                     c.file_id, p.id, kEndpoint, kBucket, c.key, c.start_ms, c.end_ms,
                     c.slices * kSliceMs, c.end_ms + kCycleCloseDelayMs);
    }
  }
  auto once = [](std::string& rows) {
    return [&rows, done = false](std::string& out) mutable {
      if (!done) out.swap(rows);
      done = true;
      return false;
    };
  };
  db.Copy(
      "COPY record_cycles (account_id, id, stream_id, config_id, format, sequence, config_json, "
      "state, live, start_ms, end_ms, last_activity_ms, object_key, closed_at_ms) FROM STDIN",
      once(cycles));
  db.Copy(
      "COPY index_files (account_id, id, stream_id, source, endpoint, bucket, object_key, format, "
      "start_ms, end_ms, duration_ms, width, height, created_at_ms) FROM STDIN",
      once(files));
}

// Every slice of every stream in start-time order (a live server's insertion order): a merge of
// the streams' own sequences. Returns the number of slices.
int64_t CopySlices(PgRaw& db, const std::string& account_id, const std::vector<StreamPlan>& plans,
                   std::chrono::steady_clock::time_point began) {
  struct Cursor {
    size_t cycle = 0;
    int64_t k = 0;
  };
  std::vector<Cursor> cursors(plans.size());
  using Entry = std::pair<int64_t, size_t>;  // (start_ms, stream)
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> next;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].cycles.empty()) next.emplace(plans[i].cycles[0].start_ms, i);
  }
  int64_t count = 0;
  char key[128];
  db.Copy(
      "COPY slices (account_id, stream_id, start_ms, end_ms, duration_ms, bytes, endpoint, "
      "bucket, object_key, video_codec, audio_codec, width, height, sequence, cycle_id, "
      "discontinuity) FROM STDIN (FREEZE)",
      [&](std::string& out) {
        for (int batch = 0; batch < 4096 && !next.empty(); ++batch) {
          auto [start, i] = next.top();
          next.pop();
          const StreamPlan& p = plans[i];
          Cursor& cursor = cursors[i];
          const CyclePlan& c = p.cycles[cursor.cycle];
          int64_t sequence = c.first_slice_sequence + cursor.k;
          int length = FormatSliceKey(key, sizeof key, p.name, start, sequence);
          fmt::format_to(std::back_inserter(out),
                         "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\th264\taac\t1280\t720\t{}\t{}\t{}\n",
                         account_id, p.id, start, start + kSliceMs, kSliceMs, SliceBytes(start),
                         kEndpoint, kBucket, std::string_view(key, static_cast<size_t>(length)),
                         sequence, c.id, c.starts_session && cursor.k == 0 ? 1 : 0);
          if (++cursor.k == c.slices) {
            cursor.k = 0;
            ++cursor.cycle;
          }
          if (cursor.cycle < p.cycles.size()) {
            next.emplace(p.cycles[cursor.cycle].start_ms + cursor.k * kSliceMs, i);
          }
          if (++count % 1'000'000 == 0) {
            fmt::print(stderr, "  {} slices copied ({:.0f} s)\n", count, SecondsSince(began));
          }
        }
        return !next.empty();
      });
  return count;
}

DatasetInfo Generate(const std::string& server_url, const std::string& name,
                     const DatasetSpec& spec, const std::string& bucket_dir) {
  auto began = std::chrono::steady_clock::now();
  {
    PgRaw server(server_url);
    server.Exec("DROP DATABASE IF EXISTS " + Quote(name));
    // C collation: ids and keys compare bytewise, as in SQLite.
    server.Exec("CREATE DATABASE " + Quote(name) +
                " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
  }
  const std::string url = metadata::WithDatabaseName(server_url, name);
  std::string account_id;
  {
    SystemClock clock;
    auto db = metadata::PostgresDatabase::Open({url}, clock);
    if (!db) Die(db.error().ToString());
    account_id = CreateTenant(**db, spec, bucket_dir);
  }
  std::vector<StreamPlan> plans;
  for (int i = 0; i < spec.streams; ++i) plans.push_back(PlanStream(spec, i, account_id));

  PgRaw db(url);
  db.Exec("SET synchronous_commit = off; SET maintenance_work_mem = '1GB'");
  SliceDefinitions defs = ReadSliceDefinitions(db);
  for (const auto& sql : defs.drop) db.Exec(sql);
  DatasetInfo info{spec, 0, 0, 0, true};
  CopyStreamsCyclesFiles(db, account_id, spec, plans);
  for (const auto& p : plans) info.cycles += static_cast<int64_t>(p.cycles.size());
  // Truncated in the loading transaction: COPY FREEZE writes the rows frozen and all-visible,
  // and with wal_level = minimal without WAL.
  db.Exec("BEGIN; TRUNCATE slices");
  info.slices = CopySlices(db, account_id, plans, began);
  db.Exec("COMMIT");
  fmt::print(stderr, "  {} slices loaded ({:.0f} s)\n", info.slices, SecondsSince(began));
  for (const auto& sql : defs.create) {
    auto t = std::chrono::steady_clock::now();
    db.Exec(sql);
    fmt::print(stderr, "  {} ({:.0f} s)\n", sql, SecondsSince(t));
  }
  auto t = std::chrono::steady_clock::now();
  db.Exec("VACUUM (ANALYZE)");
  fmt::print(stderr, "  VACUUM (ANALYZE) ({:.0f} s)\n", SecondsSince(t));
  info.generation_s = SecondsSince(began);
  nlohmann::json meta = {{"format_version", kPostgresFormatVersion},
                         {"streams", spec.streams},
                         {"days", spec.days},
                         {"seed", spec.seed},
                         {"slices", info.slices},
                         {"cycles", info.cycles},
                         {"generation_s", info.generation_s}};
  db.Exec("CREATE TABLE bench_meta (meta TEXT NOT NULL)");
  std::string text = meta.dump();
  db.Exec("INSERT INTO bench_meta VALUES ('" + text + "')");
  return info;
}

}  // namespace

std::string PostgresDatabaseName(const DatasetSpec& spec) {
  return fmt::format("liverec_bench_{}x{}", spec.streams, spec.days);
}

DatasetInfo EnsurePostgresDataset(const std::string& server_url, const DatasetSpec& spec,
                                  const std::string& bucket_dir, std::string* db_url) {
  const std::string name = PostgresDatabaseName(spec);
  *db_url = metadata::WithDatabaseName(server_url, name);
  PgRaw server(server_url);
  if (auto meta = StoredMeta(server, server_url, name)) {
    if (meta->value("format_version", 0) == kPostgresFormatVersion &&
        meta->value("streams", 0) == spec.streams && meta->value("days", 0) == spec.days &&
        meta->value("seed", uint64_t{0}) == spec.seed) {
      return DatasetInfo{spec, meta->value("slices", int64_t{0}), meta->value("cycles", int64_t{0}),
                         meta->value("generation_s", 0.0), false};
    }
    fmt::print(stderr, "PostgreSQL {}: made with other parameters; regenerating\n", name);
  }
  fmt::print(stderr, "generating PostgreSQL database {} ({} streams x {} days)...\n", name,
             spec.streams, spec.days);
  return Generate(server_url, name, spec, bucket_dir);
}

}  // namespace liverec::bench
