// The synthetic slice index of the index-query benchmark (P5-P7, docs/benchmarks.md).
//
// N streams of one account, each recorded for D days in 30 s slices from a fixed epoch. Every
// 5th stream (index % 5 == 0) is a 24/7 channel without gaps; the others publish in sessions of
// 3-12 h separated by 5-60 min gaps. The schedule of stream i depends only on (seed, i), so the
// 10-stream index holds exactly the first 10 streams of the 100-stream one. Record cycles are cut
// every 6 h of a session (CycleDuration 21600 s), each with a RecordingPlan JSON and a "cycle"
// index-file record, as the recorder would leave them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace liverec::metadata {
class SqlDatabase;
}

namespace liverec::bench {

inline constexpr int64_t kSliceMs = 30'000;
inline constexpr int64_t kCycleSlices = 720;  // 6 h of 30 s slices
inline constexpr int64_t kDayMs = 24LL * 3600'000;
// 2026-01-01T00:00:00Z: the first slice time; the benchmark's "now" is the end of the data.
inline constexpr int64_t kEpochMs = 1'767'225'600'000;
inline constexpr const char* kDomain = "bench.example.com";
inline constexpr const char* kApp = "live";
inline constexpr const char* kEndpoint = "local";
inline constexpr const char* kBucket = "records";
inline constexpr const char* kAccountName = "bench";
// A cycle is closed (and its index file made) this long after its last slice.
inline constexpr int64_t kCycleCloseDelayMs = 180'000;

struct DatasetSpec {
  int streams = 100;
  int days = 90;
  uint64_t seed = 20260101;

  int64_t StartMs() const { return kEpochMs; }
  int64_t EndMs() const { return kEpochMs + days * kDayMs; }
};

// One publishing session: `count` touching slices of 30 s from `start_ms`.
struct Session {
  int64_t start_ms = 0;
  int64_t count = 0;
};

std::string StreamName(int index);  // "s000", "s001", ...
bool IsContinuous(int index);
std::vector<Session> StreamSessions(const DatasetSpec& spec, int index);
// How many slices of `sessions` start in [from_ms, to_ms).
int64_t SlicesStartingIn(const std::vector<Session>& sessions, int64_t from_ms, int64_t to_ms);

// One record cycle of a stream: `slices` touching slices from `start_ms`, numbered from
// `first_slice_sequence`; its "cycle" index file has the id `file_id` and the key `key`.
struct CyclePlan {
  std::string id;
  std::string file_id;
  std::string key;
  int64_t sequence = 0;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t slices = 0;
  int64_t first_slice_sequence = 0;
  bool starts_session = false;  // its first slice is a discontinuity
};

// Everything about stream `index` but its slice rows, which follow from the cycles. The same on
// every backend: ids come from a generator seeded by (seed, index).
struct StreamPlan {
  std::string id;
  std::string config_id;
  std::string name;
  std::string config_json;  // the RecordingPlan of every cycle
  std::vector<Session> sessions;
  std::vector<CyclePlan> cycles;
  int64_t slices = 0;
  int64_t last_publish_ms = 0;
};
// Migrates `db` and makes the account, domain and bucket through TenantRepository; the account id.
std::string CreateTenant(metadata::SqlDatabase& db, const DatasetSpec& spec,
                         const std::string& bucket_dir);
StreamPlan PlanStream(const DatasetSpec& spec, int index, const std::string& account_id);
// The slice's object key into `out` (snprintf); its length.
int FormatSliceKey(char* out, size_t size, const std::string& stream_name, int64_t start_ms,
                   int64_t sequence);
int64_t SliceBytes(int64_t start_ms);

struct DatasetInfo {
  DatasetSpec spec;
  int64_t slices = 0;
  int64_t cycles = 0;
  double generation_s = 0;
  bool generated_now = false;
};

// Opens the dataset at `db_path` if its sidecar `<db_path>.meta.json` matches `spec`; else
// (re)creates it: schema by metadata::ApplyMigrations, account/domain/bucket by
// TenantRepository, then streams, cycles, index files and slices by bulk INSERTs through the
// sqlite3 C API (journal off, 100k rows per transaction, secondary slice indexes rebuilt at the
// end). `bucket_dir` is the bucket's declared location. Exits the process on failure.
DatasetInfo EnsureDataset(const std::string& db_path, const DatasetSpec& spec,
                          const std::string& bucket_dir);

// The same index in PostgreSQL: the database PostgresDatabaseName(spec) on the server of
// `server_url` (a URL whose database the bench may connect to and create databases from), reused
// when its bench_meta row matches `spec`, else dropped and made anew: schema by
// metadata::ApplyMigrations, tenant by TenantRepository, then the rows by COPY FROM STDIN (slices
// in time order, all streams interleaved, as a live server inserts them), the slice table's
// constraints and indexes re-made from their own definitions after the load, VACUUM ANALYZE.
// Returns the dataset's URL in `db_url`. Exits the process on failure.
std::string PostgresDatabaseName(const DatasetSpec& spec);
DatasetInfo EnsurePostgresDataset(const std::string& server_url, const DatasetSpec& spec,
                                  const std::string& bucket_dir, std::string* db_url);

}  // namespace liverec::bench
