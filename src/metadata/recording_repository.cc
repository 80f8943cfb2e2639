#include "metadata/recording_repository.h"

#include "base/ids.h"
#include "metadata/slice_rows.h"

namespace liverec::metadata {
namespace {

constexpr std::string_view kStreamColumns =
    "account_id, id, domain_name, app_name, stream_name, first_seen_ms, last_publish_ms";
constexpr std::string_view kCycleColumns =
    "account_id, id, stream_id, config_id, format, sequence, config_json, state, live, start_ms, "
    "end_ms, last_activity_ms, object_key, closed_at_ms";

std::string Cols(std::string_view columns) { return std::string(columns); }

StreamRow ToStream(const SqlRow& r) {
  return {AsText(r[0]), AsText(r[1]), AsText(r[2]), AsText(r[3]),
          AsText(r[4]), AsInt(r[5]),  AsInt(r[6])};
}

std::string StateText(CycleState state) {
  switch (state) {
    case CycleState::kOpen:
      return "open";
    case CycleState::kClosing:
      return "closing";
    case CycleState::kClosed:
      return "closed";
  }
  return "open";
}

RecordCycleRow ToCycle(const SqlRow& r) {
  RecordCycleRow c;
  c.account_id = AsText(r[0]);
  c.id = AsText(r[1]);
  c.stream_id = AsText(r[2]);
  c.config_id = AsText(r[3]);
  c.format = AsText(r[4]);
  c.sequence = AsInt(r[5]);
  c.config_json = AsText(r[6]);
  std::string state = AsText(r[7]);
  c.state = state == "closed"    ? CycleState::kClosed
            : state == "closing" ? CycleState::kClosing
                                 : CycleState::kOpen;
  c.live = AsInt(r[8]) != 0;
  c.start_ms = AsOptionalInt(r[9]);
  c.end_ms = AsOptionalInt(r[10]);
  c.last_activity_ms = AsInt(r[11]);
  c.object_key = AsText(r[12]);
  c.closed_at_ms = AsOptionalInt(r[13]);
  return c;
}

}  // namespace

Result<std::optional<StreamRow>> RecordingRepository::FindStream(const std::string& account_id,
                                                                 const std::string& domain,
                                                                 const std::string& app,
                                                                 const std::string& stream) {
  auto rows = db_.Query("SELECT " + Cols(kStreamColumns) +
                            " FROM streams WHERE account_id = ? AND domain_name = ? AND "
                            "app_name = ? AND stream_name = ?",
                        {account_id, domain, app, stream});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<StreamRow>();
  return std::optional<StreamRow>(ToStream(rows->front()));
}

Result<std::optional<StreamRow>> RecordingRepository::FindStreamById(const std::string& account_id,
                                                                     const std::string& stream_id) {
  auto rows =
      db_.Query("SELECT " + Cols(kStreamColumns) + " FROM streams WHERE account_id = ? AND id = ?",
                {account_id, stream_id});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<StreamRow>();
  return std::optional<StreamRow>(ToStream(rows->front()));
}

Result<StreamRow> RecordingRepository::EnsureStream(const std::string& account_id,
                                                    const std::string& domain,
                                                    const std::string& app,
                                                    const std::string& stream) {
  int64_t now = clock_.NowMs();
  std::string id = NewId(clock_, random_);
  auto inserted = db_.Execute(
      "INSERT INTO streams (account_id, id, domain_name, app_name, stream_name, first_seen_ms, "
      "last_publish_ms, next_slice_sequence, next_cycle_sequence) VALUES (?, ?, ?, ?, ?, ?, ?, 0, "
      "0) ON CONFLICT (account_id, domain_name, app_name, stream_name) DO UPDATE SET "
      "last_publish_ms = excluded.last_publish_ms",
      {account_id, id, domain, app, stream, now, now});
  if (!inserted) return Error(inserted.error());
  auto found = FindStream(account_id, domain, app, stream);
  if (!found) return Error(found.error());
  if (!*found) return Error(ErrorCode::kInternalError, "", "stream row vanished");
  return **found;
}

Result<int64_t> RecordingRepository::TakeSequence(const std::string& account_id,
                                                  const std::string& stream_id, SequenceKind kind) {
  std::string column = kind == SequenceKind::kSlice ? "next_slice_sequence" : "next_cycle_sequence";
  int64_t value = 0;
  Status status = db_.InTransaction([&](SqlSession& session) -> Status {
    auto rows = session.Query("SELECT " + column + " FROM streams WHERE account_id = ? AND id = ?",
                              {account_id, stream_id});
    if (!rows) return rows.error();
    if (rows->empty()) return Status(ErrorCode::kInternalError, "", "no stream " + stream_id);
    value = AsInt(rows->front()[0]);
    auto updated = session.Execute(
        "UPDATE streams SET " + column + " = " + column + " + 1 WHERE account_id = ? AND id = ?",
        {account_id, stream_id});
    return updated ? Status::Ok() : updated.error();
  });
  if (!status.ok()) return Error(status);
  return value;
}

Status RecordingRepository::InsertCycle(const RecordCycleRow& c, const Fence* fence) {
  return FencedWrite(db_, fence, [&](SqlSession& db) -> Status {
    auto r = db.Execute(
        "INSERT INTO record_cycles (" + Cols(kCycleColumns) +
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {c.account_id, c.id, c.stream_id, c.config_id, c.format, c.sequence, c.config_json,
         StateText(c.state), int64_t{c.live ? 1 : 0}, OptionalInt(c.start_ms),
         OptionalInt(c.end_ms), c.last_activity_ms, c.object_key, OptionalInt(c.closed_at_ms)});
    return r ? Status::Ok() : r.error();
  });
}

Status RecordingRepository::TouchCycle(const std::string& account_id, const std::string& cycle_id,
                                       int64_t start_ms, int64_t end_ms, int64_t now_ms,
                                       const Fence* fence) {
  return FencedWrite(db_, fence, [&](SqlSession& db) -> Status {
    auto r = db.Execute(
        "UPDATE record_cycles SET start_ms = COALESCE(start_ms, ?), end_ms = ?, "
        "last_activity_ms = ? WHERE account_id = ? AND id = ?",
        {start_ms, end_ms, now_ms, account_id, cycle_id});
    return r ? Status::Ok() : r.error();
  });
}

Status RecordingRepository::SetCycleLive(const std::string& account_id, const std::string& cycle_id,
                                         bool live, int64_t now_ms, const Fence* fence) {
  return FencedWrite(db_, fence, [&](SqlSession& db) -> Status {
    auto r = db.Execute(
        "UPDATE record_cycles SET live = ?, last_activity_ms = ? WHERE account_id = ? AND id = ?",
        {int64_t{live ? 1 : 0}, now_ms, account_id, cycle_id});
    return r ? Status::Ok() : r.error();
  });
}

Status RecordingRepository::CloseCycle(const std::string& account_id, const std::string& cycle_id,
                                       const std::string& object_key, int64_t now_ms,
                                       const Fence* fence) {
  return FencedWrite(db_, fence, [&](SqlSession& db) -> Status {
    auto r = db.Execute(
        "UPDATE record_cycles SET state = 'closed', live = 0, object_key = ?, closed_at_ms = ? "
        "WHERE account_id = ? AND id = ?",
        {object_key, now_ms, account_id, cycle_id});
    return r ? Status::Ok() : r.error();
  });
}

Result<bool> RecordingRepository::MarkCycleClosing(const std::string& account_id,
                                                   const std::string& cycle_id,
                                                   const Fence* fence) {
  bool marked = false;
  Status status = FencedWrite(db_, fence, [&](SqlSession& db) -> Status {
    auto r = db.Execute(
        "UPDATE record_cycles SET state = 'closing', live = 0 "
        "WHERE account_id = ? AND id = ? AND state = 'open'",
        {account_id, cycle_id});
    if (!r) return r.error();
    marked = *r > 0;
    return Status::Ok();
  });
  if (!status.ok()) return Error(status);
  return marked;
}

Result<std::optional<RecordCycleRow>> RecordingRepository::FindCycle(const std::string& account_id,
                                                                     const std::string& cycle_id) {
  auto rows = db_.Query(
      "SELECT " + Cols(kCycleColumns) + " FROM record_cycles WHERE account_id = ? AND id = ?",
      {account_id, cycle_id});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<RecordCycleRow>();
  return std::optional<RecordCycleRow>(ToCycle(rows->front()));
}

Result<std::optional<RecordCycleRow>> RecordingRepository::FindOpenCycle(
    const std::string& account_id, const std::string& stream_id, const std::string& config_id,
    const std::string& format) {
  auto rows = db_.Query("SELECT " + Cols(kCycleColumns) +
                            " FROM record_cycles WHERE account_id = ? AND stream_id = ? AND "
                            "state = 'open' AND config_id = ? AND format = ? ORDER BY id DESC",
                        {account_id, stream_id, config_id, format});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<RecordCycleRow>();
  return std::optional<RecordCycleRow>(ToCycle(rows->front()));
}

Status RecordingRepository::MarkAllCyclesNotLive() {
  auto r = db_.Execute("UPDATE record_cycles SET live = 0 WHERE state = 'open' AND live = 1", {});
  return r ? Status::Ok() : r.error();
}

Result<std::vector<RecordCycleRow>> RecordingRepository::ListOpenCycles() {
  auto rows = db_.Query("SELECT " + Cols(kCycleColumns) +
                            " FROM record_cycles WHERE state IN ('open', 'closing') "
                            "ORDER BY last_activity_ms",
                        {});
  if (!rows) return Error(rows.error());
  std::vector<RecordCycleRow> cycles;
  for (const auto& row : *rows) cycles.push_back(ToCycle(row));
  return cycles;
}

Status RecordingRepository::InsertSlice(const SliceRow& s, const Fence* fence) {
  return FencedWrite(db_, fence, [&](SqlSession& db) -> Status {
    auto r = db.Execute(
        "INSERT INTO slices (" + Cols(kSliceColumns) +
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (account_id, stream_id, start_ms) DO NOTHING",
        {s.account_id, s.stream_id, s.start_ms, s.end_ms, s.duration_ms, s.bytes, s.endpoint,
         s.bucket, s.object_key, s.video_codec, s.audio_codec, int64_t{s.width}, int64_t{s.height},
         s.sequence, s.cycle_id.empty() ? SqlValue(std::monostate{}) : SqlValue(s.cycle_id),
         int64_t{s.discontinuity ? 1 : 0}});
    return r ? Status::Ok() : r.error();
  });
}

Result<int64_t> RecordingRepository::LastSliceEnd(const std::string& account_id,
                                                  const std::string& stream_id) {
  // The latest start is found by the primary key; its end is the stream's last end.
  auto rows = db_.Query(
      "SELECT end_ms FROM slices WHERE account_id = ? AND stream_id = ? "
      "ORDER BY start_ms DESC LIMIT 1",
      {account_id, stream_id});
  if (!rows) return Error(rows.error());
  return rows->empty() ? int64_t{0} : AsInt(rows->front()[0]);
}

Result<std::vector<SliceRow>> RecordingRepository::ListCycleSlices(const std::string& account_id,
                                                                   const std::string& cycle_id) {
  return QuerySlices(db_,
                     "SELECT " + Cols(kSliceColumns) +
                         " FROM slices WHERE account_id = ? AND cycle_id = ? ORDER BY start_ms",
                     {account_id, cycle_id});
}

Result<std::vector<SliceRow>> RecordingRepository::ListStreamSlices(const std::string& account_id,
                                                                    const std::string& stream_id,
                                                                    int64_t from_ms,
                                                                    int64_t to_ms) {
  return QuerySlices(db_,
                     "SELECT " + Cols(kSliceColumns) +
                         " FROM slices WHERE account_id = ? AND stream_id = ? AND start_ms >= ? "
                         "AND start_ms < ? ORDER BY start_ms",
                     {account_id, stream_id, from_ms, to_ms});
}
namespace {

constexpr std::string_view kHeldColumns =
    "account_id, cycle_id, slice_id, stream_id, start_ms, end_ms, video_codec, audio_codec, "
    "width, height, resumed, torn";
constexpr std::string_view kFileColumns =
    "account_id, id, stream_id, cycle_id, part, first_slice, slice_count, format, endpoint, "
    "bucket, object_key, start_ms, end_ms, duration_ms, width, height, bytes, created_at_ms, "
    "announced";

HeldSliceRow ToHeld(const SqlRow& r) {
  return {AsText(r[0]),
          AsText(r[1]),
          AsText(r[2]),
          AsText(r[3]),
          AsInt(r[4]),
          AsInt(r[5]),
          AsText(r[6]),
          AsText(r[7]),
          static_cast<int>(AsInt(r[8])),
          static_cast<int>(AsInt(r[9])),
          AsInt(r[10]) != 0,
          AsInt(r[11]) != 0};
}

RecordFileRow ToFile(const SqlRow& r) {
  RecordFileRow f{AsText(r[0]),
                  AsText(r[1]),
                  AsText(r[2]),
                  AsText(r[3]),
                  AsInt(r[4]),
                  AsInt(r[5]),
                  AsInt(r[6]),
                  AsText(r[7]),
                  AsText(r[8]),
                  AsText(r[9]),
                  AsText(r[10]),
                  AsInt(r[11]),
                  AsInt(r[12]),
                  AsInt(r[13]),
                  static_cast<int>(AsInt(r[14])),
                  static_cast<int>(AsInt(r[15])),
                  AsInt(r[16]),
                  AsInt(r[17])};
  f.announced = AsInt(r[18]) != 0;
  return f;
}

Result<std::vector<RecordFileRow>> QueryFiles(SqlDatabase& db, const std::string& sql,
                                              const std::vector<SqlValue>& args) {
  auto rows = db.Query(sql, args);
  if (!rows) return Error(rows.error());
  std::vector<RecordFileRow> files;
  for (const auto& row : *rows) files.push_back(ToFile(row));
  return files;
}

}  // namespace

Status RecordingRepository::InsertHeldSlice(const HeldSliceRow& h, const Fence* fence) {
  return FencedWrite(db_, fence, [&](SqlSession& db) -> Status {
    auto r = db.Execute("INSERT INTO held_slices (" + Cols(kHeldColumns) +
                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT (account_id, cycle_id, slice_id) DO NOTHING",
                        {h.account_id, h.cycle_id, h.slice_id, h.stream_id, h.start_ms, h.end_ms,
                         h.video_codec, h.audio_codec, int64_t{h.width}, int64_t{h.height},
                         int64_t{h.resumed ? 1 : 0}, int64_t{h.torn ? 1 : 0}});
    return r ? Status::Ok() : r.error();
  });
}

Result<std::vector<HeldSliceRow>> RecordingRepository::ListHeldSlices(const std::string& account_id,
                                                                      const std::string& cycle_id) {
  auto rows = db_.Query("SELECT " + Cols(kHeldColumns) +
                            " FROM held_slices WHERE account_id = ? AND cycle_id = ? "
                            "ORDER BY start_ms, slice_id",
                        {account_id, cycle_id});
  if (!rows) return Error(rows.error());
  std::vector<HeldSliceRow> held;
  for (const auto& row : *rows) held.push_back(ToHeld(row));
  return held;
}

Status RecordingRepository::DeleteHeldSlices(const std::string& account_id,
                                             const std::string& cycle_id, const Fence* fence) {
  return FencedWrite(db_, fence, [&](SqlSession& db) -> Status {
    auto r = db.Execute("DELETE FROM held_slices WHERE account_id = ? AND cycle_id = ?",
                        {account_id, cycle_id});
    return r ? Status::Ok() : r.error();
  });
}

Result<int64_t> RecordingRepository::CountHeldSliceUses(const std::string& account_id,
                                                        const std::string& slice_id) {
  auto rows = db_.Query("SELECT COUNT(*) FROM held_slices WHERE account_id = ? AND slice_id = ?",
                        {account_id, slice_id});
  if (!rows) return Error(rows.error());
  return AsInt(rows->at(0).at(0));
}

Result<bool> RecordingRepository::IsSliceHeld(const std::string& slice_id) {
  auto rows = db_.Query("SELECT 1 FROM held_slices WHERE slice_id = ? LIMIT 1", {slice_id});
  if (!rows) return Error(rows.error());
  return !rows->empty();
}

Result<int64_t> RecordingRepository::LastHeldSliceEnd(const std::string& account_id,
                                                      const std::string& stream_id) {
  auto rows = db_.Query(
      "SELECT MAX(end_ms) FROM held_slices WHERE account_id = ? AND "
      "stream_id = ?",
      {account_id, stream_id});
  if (!rows) return Error(rows.error());
  return rows->empty() ? int64_t{0} : AsInt(rows->front()[0]);
}

Status RecordingRepository::InsertRecordFile(const RecordFileRow& f, const Fence* fence) {
  return FencedWrite(db_, fence, [&](SqlSession& db) -> Status {
    auto r = db.Execute("INSERT INTO record_files (" + Cols(kFileColumns) +
                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        {f.account_id, f.id, f.stream_id, f.cycle_id, f.part, f.first_slice,
                         f.slice_count, f.format, f.endpoint, f.bucket, f.object_key, f.start_ms,
                         f.end_ms, f.duration_ms, int64_t{f.width}, int64_t{f.height}, f.bytes,
                         f.created_at_ms, int64_t{f.announced ? 1 : 0}});
    return r ? Status::Ok() : r.error();
  });
}

Result<std::vector<RecordFileRow>> RecordingRepository::ListUnannouncedRecordFiles() {
  return QueryFiles(db_,
                    "SELECT " + Cols(kFileColumns) +
                        " FROM record_files WHERE announced = 0 ORDER BY account_id, id",
                    {});
}

Status RecordingRepository::MarkRecordFileAnnounced(const std::string& account_id,
                                                    const std::string& id) {
  auto r = db_.Execute(
      "UPDATE record_files SET announced = 1 WHERE account_id = ? AND id = ? AND announced = 0",
      {account_id, id});
  return r ? Status::Ok() : r.error();
}

Result<std::vector<RecordFileRow>> RecordingRepository::ListCycleRecordFiles(
    const std::string& account_id, const std::string& cycle_id) {
  return QueryFiles(db_,
                    "SELECT " + Cols(kFileColumns) +
                        " FROM record_files WHERE account_id = ? AND cycle_id = ? ORDER BY part",
                    {account_id, cycle_id});
}

Result<std::vector<RecordFileRow>> RecordingRepository::ListStreamRecordFiles(
    const std::string& account_id, const std::string& stream_id) {
  return QueryFiles(db_,
                    "SELECT " + Cols(kFileColumns) +
                        " FROM record_files WHERE account_id = ? AND stream_id = ? "
                        "ORDER BY start_ms, part",
                    {account_id, stream_id});
}

Result<RecordFilePage> RecordingRepository::ListStreamRecordFilesPage(
    const std::string& account_id, const std::string& stream_id, int64_t from_ms, int64_t to_ms,
    const std::string& format, int64_t page_num, int64_t page_size, bool ascending) {
  std::vector<SqlValue> args{account_id, stream_id, from_ms, to_ms};
  std::string where =
      " FROM record_files WHERE account_id = ? AND stream_id = ? AND start_ms >= ? AND "
      "start_ms < ?";
  if (!format.empty()) {
    where += " AND format = ?";
    args.emplace_back(format);
  }
  auto count = db_.Query("SELECT COUNT(*)" + where, args);
  if (!count) return Error(count.error());
  RecordFilePage page;
  page.total = AsInt(count->front()[0]);
  args.emplace_back(page_size);
  args.emplace_back((page_num - 1) * page_size);
  const char* direction = ascending ? "ASC" : "DESC";
  auto files = QueryFiles(db_,
                          "SELECT " + Cols(kFileColumns) + where + " ORDER BY start_ms " +
                              direction + ", part " + direction + " LIMIT ? OFFSET ?",
                          args);
  if (!files) return Error(files.error());
  page.files = std::move(*files);
  return page;
}

}  // namespace liverec::metadata
