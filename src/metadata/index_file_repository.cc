#include "metadata/index_file_repository.h"

#include "metadata/slice_rows.h"

#include <nlohmann/json.hpp>

namespace liverec::metadata {
namespace {

constexpr std::string_view kFileColumns =
    "account_id, id, stream_id, source, endpoint, bucket, object_key, format, start_ms, end_ms, "
    "duration_ms, width, height, created_at_ms, announced";

IndexFileRow ToFile(const SqlRow& r) {
  IndexFileRow f{AsText(r[0]),
                 AsText(r[1]),
                 AsText(r[2]),
                 AsText(r[3]),
                 AsText(r[4]),
                 AsText(r[5]),
                 AsText(r[6]),
                 AsText(r[7]),
                 AsInt(r[8]),
                 AsInt(r[9]),
                 AsInt(r[10]),
                 static_cast<int>(AsInt(r[11])),
                 static_cast<int>(AsInt(r[12])),
                 AsInt(r[13])};
  f.announced = AsInt(r[14]) != 0;
  return f;
}

std::string Cols(std::string_view c) { return std::string(c); }

}  // namespace

Result<std::vector<SliceRow>> IndexFileRepository::SlicesStartingIn(const std::string& account_id,
                                                                    const std::string& stream_id,
                                                                    int64_t from_ms, int64_t to_ms,
                                                                    int64_t limit) {
  static const std::string kSql =
      "SELECT " + Cols(kSliceColumns) +
      " FROM slices WHERE account_id = ? AND stream_id = ? AND start_ms >= ? AND start_ms < ? "
      "ORDER BY start_ms LIMIT ?";
  return QuerySlices(db_, kSql, {account_id, stream_id, from_ms, to_ms, limit});
}

Status IndexFileRepository::ForEachSliceSpan(const std::string& account_id,
                                             const std::string& stream_id, int64_t from_ms,
                                             int64_t to_ms, const SliceSpanCallback& on_span) {
  return db_.QueryEach(
      "SELECT start_ms, end_ms, duration_ms, endpoint, bucket FROM slices "
      "WHERE account_id = ? AND stream_id = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms",
      {account_id, stream_id, from_ms, to_ms}, [&](const SqlRowView& row) {
        return on_span(SliceSpan{row.Int(0), row.Int(1), row.Int(2), row.Text(3), row.Text(4)});
      });
}

Result<std::optional<SliceRow>> IndexFileRepository::FirstSliceFrom(const std::string& account_id,
                                                                    const std::string& stream_id,
                                                                    int64_t at_ms) {
  static const std::string kSql = "SELECT " + Cols(kSliceColumns) +
                                  " FROM slices WHERE account_id = ? AND stream_id = ? AND "
                                  "start_ms >= ? ORDER BY start_ms LIMIT 1";
  auto slices = QuerySlices(db_, kSql, {account_id, stream_id, at_ms});
  if (!slices) return Error(slices.error());
  if (slices->empty()) return std::optional<SliceRow>();
  return std::optional<SliceRow>(std::move(slices->front()));
}

Result<std::string> IndexFileRepository::SliceTemplateOfCycle(const std::string& account_id,
                                                              const std::string& cycle_id) {
  auto rows = db_.Query("SELECT config_json FROM record_cycles WHERE account_id = ? AND id = ?",
                        {account_id, cycle_id});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::string();
  auto json = nlohmann::json::parse(AsText(rows->front()[0]), nullptr, false);
  if (!json.is_object() || !json.contains("slice_template") ||
      !json["slice_template"].is_string()) {
    return std::string();
  }
  return json["slice_template"].get<std::string>();
}

Result<std::optional<int64_t>> IndexFileRepository::SliceDurationOfCycle(
    const std::string& account_id, const std::string& cycle_id) {
  auto rows = db_.Query("SELECT config_json FROM record_cycles WHERE account_id = ? AND id = ?",
                        {account_id, cycle_id});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<int64_t>();
  auto json = nlohmann::json::parse(AsText(rows->front()[0]), nullptr, false);
  if (!json.is_object() || !json.contains("slice_duration_s") ||
      !json["slice_duration_s"].is_number_integer()) {
    return std::optional<int64_t>();
  }
  return std::optional<int64_t>(json["slice_duration_s"].get<int64_t>());
}

Status IndexFileRepository::Insert(const IndexFileRow& f, const Fence* fence) {
  return FencedWrite(db_, fence, [&](SqlSession& db) -> Status {
    auto r =
        db.Execute("INSERT INTO index_files (" + Cols(kFileColumns) +
                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {f.account_id, f.id, f.stream_id, f.source, f.endpoint, f.bucket, f.object_key,
                    f.format, f.start_ms, f.end_ms, f.duration_ms, int64_t{f.width},
                    int64_t{f.height}, f.created_at_ms, int64_t{f.announced ? 1 : 0}});
    return r ? Status::Ok() : r.error();
  });
}

Result<std::vector<IndexFileRow>> IndexFileRepository::ListUnannounced() {
  auto rows = db_.Query("SELECT " + Cols(kFileColumns) +
                            " FROM index_files WHERE announced = 0 ORDER BY account_id, id",
                        {});
  if (!rows) return Error(rows.error());
  std::vector<IndexFileRow> files;
  for (const auto& row : *rows) files.push_back(ToFile(row));
  return files;
}

Status IndexFileRepository::MarkAnnounced(const std::string& account_id, const std::string& id) {
  auto r = db_.Execute(
      "UPDATE index_files SET announced = 1 WHERE account_id = ? AND id = ? AND announced = 0",
      {account_id, id});
  return r ? Status::Ok() : r.error();
}

Result<std::optional<IndexFileRow>> IndexFileRepository::Find(const std::string& account_id,
                                                              const std::string& stream_id,
                                                              const std::string& id) {
  auto rows = db_.Query("SELECT " + Cols(kFileColumns) +
                            " FROM index_files WHERE account_id = ? AND id = ? AND stream_id = ?",
                        {account_id, id, stream_id});
  if (!rows) return Error(rows.error());
  if (rows->empty()) return std::optional<IndexFileRow>();
  return std::optional<IndexFileRow>(ToFile(rows->front()));
}

Result<IndexFilePage> IndexFileRepository::List(const std::string& account_id,
                                                const std::string& stream_id, int64_t from_ms,
                                                int64_t to_ms, int64_t page_num, int64_t page_size,
                                                bool ascending) {
  std::vector<SqlValue> args{account_id, stream_id, from_ms, to_ms};
  const std::string where =
      " FROM index_files WHERE account_id = ? AND stream_id = ? AND "
      "start_ms >= ? AND start_ms < ?";
  auto count = db_.Query("SELECT COUNT(*)" + where, args);
  if (!count) return Error(count.error());
  IndexFilePage page;
  page.total = AsInt(count->front()[0]);
  args.emplace_back(page_size);
  args.emplace_back((page_num - 1) * page_size);
  // Ids are UUIDv7: by id is by creation.
  auto rows = db_.Query("SELECT " + Cols(kFileColumns) + where + " ORDER BY id " +
                            (ascending ? "ASC" : "DESC") + " LIMIT ? OFFSET ?",
                        args);
  if (!rows) return Error(rows.error());
  for (const auto& row : *rows) page.files.push_back(ToFile(row));
  return page;
}

Result<bool> IndexFileRepository::Delete(const std::string& account_id,
                                         const std::string& stream_id, const std::string& id) {
  auto r = db_.Execute("DELETE FROM index_files WHERE account_id = ? AND id = ? AND stream_id = ?",
                       {account_id, id, stream_id});
  if (!r) return Error(r.error());
  return *r > 0;
}

Result<int64_t> IndexFileRepository::PurgeSlicesBefore(int64_t start_ms) {
  return db_.Execute("DELETE FROM slices WHERE start_ms < ?", {start_ms});
}

Result<int64_t> IndexFileRepository::PurgeIndexFilesBefore(int64_t created_ms) {
  return db_.Execute("DELETE FROM index_files WHERE created_at_ms < ?", {created_ms});
}

}  // namespace liverec::metadata
