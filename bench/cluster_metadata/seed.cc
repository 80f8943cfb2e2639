#include "seed.h"

#include <fmt/format.h>

#include <random>

#include "base/ids.h"
#include "metadata/migrations.h"
#include "metadata/postgres/postgres_connection.h"
#include "metadata/postgres/postgres_url.h"
#include "metadata/relay_task_repository.h"
#include "metadata/tenant_repository.h"
#include "recorder/recording_plan.h"

namespace liverec::bench {
namespace {

using metadata::SqlValue;

// Rows of `columns` (comma-separated, `width` of them) from `values` (row after row), written
// with INSERTs of up to 400 rows each.
class BatchInsert {
 public:
  BatchInsert(metadata::SqlDatabase& db, std::string table, std::string columns, size_t width)
      : db_(db), table_(std::move(table)), columns_(std::move(columns)), width_(width) {}
  Status Add(std::vector<SqlValue> row) {
    for (auto& v : row) values_.push_back(std::move(v));
    return values_.size() >= width_ * kRows ? Flush() : Status::Ok();
  }
  Status Flush() {
    if (values_.empty()) return Status::Ok();
    std::string row = "(";
    for (size_t i = 0; i < width_; ++i) row += i ? ", ?" : "?";
    row += ")";
    std::string sql = fmt::format("INSERT INTO {} ({}) VALUES ", table_, columns_);
    for (size_t i = 0; i < values_.size() / width_; ++i) sql += (i ? ", " : "") + row;
    auto done = db_.Execute(sql, values_);
    values_.clear();
    return done ? Status::Ok() : done.error();
  }

 private:
  static constexpr size_t kRows = 400;
  metadata::SqlDatabase& db_;
  std::string table_, columns_;
  size_t width_;
  std::vector<SqlValue> values_;
};

Status Admin(const std::string& admin_url, const std::string& sql) {
  auto admin = metadata::PostgresConnection::Connect(admin_url);
  if (!admin) return admin.error();
  return (*admin)->Exec(sql);
}

// Slices already in a cycle at t0: `n` of them, ending where the stream's first slice starts.
struct Preload {
  int64_t m3u8 = 0;  // slices in the m3u8 cycle
  int64_t mp4 = 0;   // held slices in the MP4 cycle
};

Status SeedStreams(metadata::SqlDatabase& db, const SimOptions& o, int64_t t0, World& w,
                   std::mt19937_64& rng) {
  BatchInsert streams(db, "streams",
                      "account_id, id, domain_name, app_name, stream_name, first_seen_ms, "
                      "last_publish_ms, next_slice_sequence, next_cycle_sequence",
                      9);
  BatchInsert leases(db, "leases",
                     "kind, name, holder, epoch, expires_at_ms, acquired_at_ms, renewed_at_ms", 7);
  const int64_t slice_ms = o.slice_s * 1000;
  std::uniform_int_distribution<int64_t> phase(0, slice_ms - 1);
  std::uniform_int_distribution<int64_t> session(1, o.session_s * 1000);
  w.streams.resize(static_cast<size_t>(o.streams));
  for (int64_t i = 0; i < o.streams; ++i) {
    StreamState& s = w.streams[static_cast<size_t>(i)];
    s.name = fmt::format("s{:06}", i);
    s.id = fmt::format("sim-stream-{:06}", i);
    s.node = static_cast<int>(i % o.nodes);
    s.next_due_ms = t0 + phase(rng) + 1;
    s.session_end_ms = t0 + session(rng);
    LIVEREC_RETURN_IF_ERROR(
        streams.Add({w.account_id, s.id, std::string(kDomain), std::string(kApp), s.name,
                     t0 - 86'400'000, t0 - 3'600'000, int64_t{100'000}, int64_t{100}}));
    LIVEREC_RETURN_IF_ERROR(
        leases.Add({std::string(kStreamLeaseKind), s.id, w.holders[static_cast<size_t>(s.node)],
                    s.lease_epoch, t0 + o.lease_s * 1000, t0, t0}));
  }
  LIVEREC_RETURN_IF_ERROR(streams.Flush());
  return leases.Flush();
}

// One open cycle of `format` for every stream, of a uniformly random age; returns, per stream,
// how many slices the cycles that close during the run must hold.
Status SeedCycles(metadata::SqlDatabase& db, const Clock& clock, RandomSource& random,
                  const SimOptions& o, World& w, std::mt19937_64& rng, const std::string& format,
                  int64_t cycle_s, std::vector<int64_t>& preload) {
  BatchInsert cycles(db, "record_cycles",
                     "account_id, id, stream_id, config_id, format, sequence, config_json, state, "
                     "live, start_ms, end_ms, last_activity_ms, object_key, closed_at_ms",
                     14);
  const int64_t slice_ms = o.slice_s * 1000;
  const int64_t per_cycle = cycle_s / o.slice_s;
  // Cycles this close to full reach it during the run (and the slices they hold are written).
  const auto run_slices = static_cast<int64_t>((o.warmup_s + o.duration_s) / o.slice_s) + 2;
  std::uniform_int_distribution<int64_t> age(0, per_cycle - 1);
  preload.assign(w.streams.size(), 0);
  for (size_t i = 0; i < w.streams.size(); ++i) {
    StreamState& s = w.streams[i];
    int64_t n = age(rng);
    int64_t first_start = s.next_due_ms - slice_ms;
    std::string id = NewId(clock, random);
    (format == "mp4" ? s.mp4_cycle : s.m3u8_cycle) = id;
    if (n >= per_cycle - run_slices) preload[i] = n;
    auto start = n ? std::optional<int64_t>(first_start - n * slice_ms) : std::nullopt;
    auto end = n ? std::optional<int64_t>(first_start) : std::nullopt;
    LIVEREC_RETURN_IF_ERROR(
        cycles.Add({w.account_id, id, s.id, std::string("sim-config"), format, int64_t{99},
                    PlanJson(o, w.account_id, s), std::string("open"), int64_t{1},
                    metadata::OptionalInt(start), metadata::OptionalInt(end), first_start,
                    std::string(), SqlValue()}));
  }
  return cycles.Flush();
}

Status SeedCycleSlices(metadata::SqlDatabase& db, const SimOptions& o, World& w,
                       const std::vector<int64_t>& m3u8, const std::vector<int64_t>& mp4) {
  BatchInsert slices(db, "slices",
                     "account_id, stream_id, start_ms, end_ms, duration_ms, bytes, endpoint, "
                     "bucket, object_key, video_codec, audio_codec, width, height, sequence, "
                     "cycle_id, discontinuity",
                     16);
  BatchInsert held(db, "held_slices",
                   "account_id, cycle_id, slice_id, stream_id, start_ms, end_ms, video_codec, "
                   "audio_codec, width, height, resumed, torn",
                   12);
  const int64_t slice_ms = o.slice_s * 1000;
  for (size_t i = 0; i < w.streams.size(); ++i) {
    const StreamState& s = w.streams[i];
    int64_t first_start = s.next_due_ms - slice_ms;
    for (int64_t k = m3u8[i]; k >= 1; --k) {
      int64_t start = first_start - k * slice_ms;
      LIVEREC_RETURN_IF_ERROR(slices.Add(
          {w.account_id, s.id, start, start + slice_ms, slice_ms, int64_t{7'500'000},
           std::string("oss-cn-shanghai.aliyuncs.com"), std::string("sim-bucket"),
           fmt::format("record/live/{}/{}_{}.ts", s.name, start / 1000, k), std::string("h264"),
           std::string("aac"), int64_t{1280}, int64_t{720}, k, s.m3u8_cycle, int64_t{0}}));
    }
    for (int64_t k = mp4.empty() ? 0 : mp4[i]; k >= 1; --k) {
      int64_t start = first_start - k * slice_ms;
      LIVEREC_RETURN_IF_ERROR(
          held.Add({w.account_id, s.mp4_cycle, fmt::format("{}-held-{}", s.id, k), s.id, start,
                    start + slice_ms, std::string("h264"), std::string("aac"), int64_t{1280},
                    int64_t{720}, int64_t{0}, int64_t{0}}));
    }
  }
  LIVEREC_RETURN_IF_ERROR(slices.Flush());
  return held.Flush();
}

Status SeedRelays(metadata::SqlDatabase& db, const SimOptions& o, int64_t t0, World& w,
                  std::mt19937_64& rng) {
  metadata::RelayTaskRepository relays(db);
  BatchInsert leases(db, "leases",
                     "kind, name, holder, epoch, expires_at_ms, acquired_at_ms, renewed_at_ms", 7);
  std::uniform_int_distribution<int64_t> phase(1, o.relay_save_ms);
  w.relays.resize(static_cast<size_t>(o.relays));
  for (int64_t i = 0; i < o.relays; ++i) {
    RelayState& r = w.relays[static_cast<size_t>(i)];
    r.node = static_cast<int>(i % o.nodes);
    r.next_due_ms = t0 + phase(rng);
    auto& t = r.row;
    t.account_id = w.account_id;
    t.task_id = fmt::format("sim-relay-{:06}", i);
    t.region = "cn-shanghai";
    t.task_name = t.task_id;
    t.start_time_ms = t0 - 3'600'000;
    t.end_time_ms = t0 + 30LL * 86'400'000;
    t.source_type = "url";
    t.source_urls = {"https://media.example.com/vod/a.mp4", "https://media.example.com/vod/b.mp4"};
    t.dst_url = fmt::format("rtmp://push.example.com/live/relay{:06}", i);
    t.callback_url = "https://hooks.example.com/relay";
    t.repeat_number = -1;
    t.status = 1;  // running
    t.remaining_repeats = -1;
    t.created_at_ms = t.updated_at_ms = t0;
    LIVEREC_RETURN_IF_ERROR(relays.Insert(t, o.relays + 1, t0));
    LIVEREC_RETURN_IF_ERROR(
        leases.Add({std::string(kRelayLeaseKind), t.task_id, w.holders[static_cast<size_t>(r.node)],
                    int64_t{1}, t0 + o.lease_s * 1000, t0, t0}));
  }
  return leases.Flush();
}

}  // namespace

Result<std::string> CreateDatabase(const std::string& admin_url, const std::string& name) {
  LIVEREC_RETURN_IF_ERROR(
      Admin(admin_url, fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)));
  LIVEREC_RETURN_IF_ERROR(Admin(admin_url, fmt::format("CREATE DATABASE {}", name)));
  return metadata::WithDatabaseName(admin_url, name);
}

Status DropDatabase(const std::string& admin_url, const std::string& name) {
  return Admin(admin_url, fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name));
}

std::string PlanJson(const SimOptions& o, const std::string& account_id, const StreamState& s) {
  recorder::RecordingPlan plan;
  plan.account_id = account_id;
  plan.stream_id = s.id;
  plan.config_id = "sim-config";
  plan.domain = kDomain;
  plan.app = kApp;
  plan.stream = s.name;
  plan.endpoint = "oss-cn-shanghai.aliyuncs.com";
  plan.bucket = "sim-bucket";
  plan.playlist_template = "record/{AppName}/{StreamName}/{EscapedStartTime}_{EscapedEndTime}";
  plan.slice_template = "record/{AppName}/{StreamName}/{UnixTimestamp}_{Sequence}";
  plan.cycle_duration_s = o.m3u8_cycle_s;
  plan.slice_duration_s = o.slice_s;
  plan.formats.push_back({"m3u8", plan.playlist_template, o.m3u8_cycle_s});
  if (o.mp4) plan.formats.push_back({"mp4", plan.playlist_template, o.mp4_cycle_s});
  return recorder::ToJson(plan).dump();
}

Status Seed(metadata::SqlDatabase& db, const Clock& clock, RandomSource& random,
            const SimOptions& o, int64_t t0_ms, World& w) {
  LIVEREC_RETURN_IF_ERROR(metadata::ApplyMigrations(db, clock));
  metadata::TenantRepository tenants(db, clock, random);
  auto account = tenants.EnsureAccount("simbench");
  if (!account) return account.error();
  w.account_id = account->id;
  std::mt19937_64 rng(o.seed);
  LIVEREC_RETURN_IF_ERROR(SeedStreams(db, o, t0_ms, w, rng));
  std::vector<int64_t> m3u8, mp4;
  LIVEREC_RETURN_IF_ERROR(SeedCycles(db, clock, random, o, w, rng, "m3u8", o.m3u8_cycle_s, m3u8));
  if (o.mp4) {
    LIVEREC_RETURN_IF_ERROR(SeedCycles(db, clock, random, o, w, rng, "mp4", o.mp4_cycle_s, mp4));
  }
  LIVEREC_RETURN_IF_ERROR(SeedCycleSlices(db, o, w, m3u8, mp4));
  LIVEREC_RETURN_IF_ERROR(SeedRelays(db, o, t0_ms, w, rng));
  return db.ExecuteScript("ANALYZE");
}

}  // namespace liverec::bench
