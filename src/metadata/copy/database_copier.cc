#include "metadata/copy/database_copier.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "metadata/copy/copy_progress.h"
#include "metadata/copy/copy_schema.h"
#include "metadata/migrations.h"

namespace liverec::metadata {

bool CopyReport::Verified() const {
  return std::all_of(counts.begin(), counts.end(),
                     [](const TableCount& c) { return c.source_rows == c.target_rows; });
}

namespace {

constexpr int64_t kMaxValuesPerInsert = 30'000;

Status Refuse(std::string detail) {
  return Status(ErrorCode::kInternalError, "", std::move(detail));
}

// The backend's error names the statement; a batch's INSERT is thousands of placeholders long.
Status ShortenStatement(const Status& status) {
  const std::string& detail = status.detail();
  size_t open = detail.find('`');
  size_t close = detail.find("`: ", open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos || close - open < 200) return status;
  return Status(status.code(), status.arg(),
                detail.substr(0, open + 100) + " ...`" + detail.substr(close + 1));
}

int LatestVersion() { return AllMigrations().back().version; }

Result<int64_t> CountRows(SqlSession& session, const std::string& table) {
  auto rows = session.Query("SELECT COUNT(*) FROM " + QuoteIdentifier(table));
  if (!rows) return Error(rows.error());
  return AsInt(rows->at(0).at(0));
}

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string list;
  for (const auto& column : columns) {
    if (!list.empty()) list += ", ";
    list += QuoteIdentifier(column);
  }
  return list;
}

Status CheckSourceVersion(SqlDatabase& source) {
  auto version = StoredSchemaVersion(source);
  if (!version) return version.error().WithContext("the source database");
  if (*version == LatestVersion()) return Status::Ok();
  if (*version == 0) return Refuse("the source is not a liverec database (no schema_migrations)");
  if (*version > LatestVersion()) {
    return Refuse(fmt::format(
        "the source database is at schema version {}, newer than this liverec ({}): copy it "
        "with the liverec that last ran on it",
        *version, LatestVersion()));
  }
  return Refuse(fmt::format(
      "the source database is at schema version {}, this liverec at {}: start this liverec "
      "once on the SQLite database (`liverec serve` with the old configuration) so that it "
      "migrates it, stop it, then copy",
      *version, LatestVersion()));
}

// A target without a copy in progress holds no rows in any table but schema_migrations.
Status CheckTargetEmpty(SqlDatabase& target) {
  auto tables = ListPostgresTables(target);
  if (!tables) return tables.error();
  for (const auto& table : *tables) {
    auto rows = CountRows(target, table);
    if (!rows) return rows.error();
    if (*rows > 0) {
      return Refuse(fmt::format(
          "the target database is not empty (table {} has {} rows) and holds no unfinished "
          "copy: copy into a new, empty database (CREATE DATABASE), never into one a server "
          "has used",
          table, *rows));
    }
  }
  return Status::Ok();
}

// Migrates the target (after checking it) and makes the progress table. True when resuming.
Result<bool> PrepareTarget(SqlDatabase& target, const Clock& clock, CopyObserver& observer) {
  auto version = StoredSchemaVersion(target);
  if (!version) return Error(version.error().WithContext("the target database"));
  if (*version > LatestVersion()) {
    return Error(
        Refuse(fmt::format("the target database is at schema version {}, newer than "
                           "this liverec ({}): copy into a new, empty database",
                           *version, LatestVersion())));
  }
  auto resumed = CopyProgressExists(target);
  if (!resumed) return Error(resumed.error());
  if (!*resumed) LIVEREC_RETURN_IF_ERROR(CheckTargetEmpty(target));
  if (*version < LatestVersion()) {
    observer.OnNote(fmt::format("migrating the target from schema version {} to {}", *version,
                                LatestVersion()));
    LIVEREC_RETURN_IF_ERROR(ApplyMigrations(target, clock).WithContext("migrating the target"));
  }
  LIVEREC_RETURN_IF_ERROR(CreateCopyProgress(target));
  return *resumed;
}

// Every source table exists on the target with the same columns, and the target has no other.
Status MatchSchemas(const std::vector<CopyTable>& tables, SqlDatabase& target) {
  std::set<std::string> names;
  for (const auto& table : tables) {
    names.insert(table.name);
    auto columns = ListPostgresColumns(target, table.name);
    if (!columns) return columns.error();
    auto sorted = [](std::vector<std::string> v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    if (sorted(*columns) != sorted(table.columns)) {
      return Refuse(fmt::format("table {} has columns ({}) on the source but ({}) on the target",
                                table.name, fmt::join(table.columns, ", "),
                                fmt::join(*columns, ", ")));
    }
  }
  auto target_tables = ListPostgresTables(target);
  if (!target_tables) return target_tables.error();
  for (const auto& name : *target_tables) {
    if (!names.count(name)) {
      return Refuse(fmt::format("the target has a table {} that the source lacks", name));
    }
  }
  return Status::Ok();
}

// On a re-run: each table holds exactly the rows its progress records (nothing else wrote).
Status CheckResumable(const std::vector<CopyTable>& tables, SqlDatabase& target,
                      const std::map<std::string, TableProgress>& progress) {
  for (const auto& table : tables) {
    auto rows = CountRows(target, table.name);
    if (!rows) return rows.error();
    auto found = progress.find(table.name);
    int64_t expected = found == progress.end() ? 0 : found->second.rows_copied;
    if (*rows != expected) {
      return Refuse(fmt::format(
          "cannot resume: the target's table {} has {} rows, but the unfinished copy wrote {}; "
          "something else writes to the target. Drop the target database, create it anew "
          "and copy again",
          table.name, *rows, expected));
    }
  }
  return Status::Ok();
}

struct Batch {
  std::vector<SqlRow> rows;
  SqlRow last_key;
};

Result<Batch> ReadBatch(SqlSession& source, const CopyTable& table,
                        const std::optional<SqlRow>& after, int64_t limit) {
  std::vector<std::string> key_names;
  for (int position : table.key) key_names.push_back(table.columns[position]);
  std::string keys = ColumnList(key_names);
  std::string sql =
      fmt::format("SELECT {} FROM {}", ColumnList(table.columns), QuoteIdentifier(table.name));
  std::vector<SqlValue> args;
  if (after) {
    std::vector<std::string> marks(after->size(), "?");
    sql += fmt::format(" WHERE ({}) > ({})", keys, fmt::join(marks, ", "));
    args = *after;
  }
  sql += fmt::format(" ORDER BY {} LIMIT ?", keys);
  args.emplace_back(limit);
  auto rows = source.Query(sql, args);
  if (!rows) return Error(rows.error());
  Batch batch{std::move(*rows), {}};
  if (!batch.rows.empty()) {
    for (int position : table.key) batch.last_key.push_back(batch.rows.back().at(position));
  }
  return batch;
}

Status InsertRows(SqlSession& target, const CopyTable& table, const std::vector<SqlRow>& rows) {
  std::vector<std::string> marks(table.columns.size(), "?");
  std::string tuple = fmt::format("({})", fmt::join(marks, ", "));
  std::vector<std::string> tuples(rows.size(), tuple);
  // OVERRIDING SYSTEM VALUE: identity columns GENERATED ALWAYS take the copied values too.
  std::string sql =
      fmt::format("INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE VALUES {}",
                  QuoteIdentifier(table.name), ColumnList(table.columns), fmt::join(tuples, ", "));
  std::vector<SqlValue> args;
  args.reserve(rows.size() * table.columns.size());
  for (const auto& row : rows) args.insert(args.end(), row.begin(), row.end());
  auto inserted = target.Execute(sql, args);
  if (!inserted) return ShortenStatement(inserted.error());
  if (*inserted != static_cast<int64_t>(rows.size())) {
    return Refuse(
        fmt::format("table {}: {} rows inserted of {}", table.name, *inserted, rows.size()));
  }
  return Status::Ok();
}

struct TableRun {
  const CopyTable& table;
  TableProgress progress;
  int64_t total;
};

// Copies one table from where its progress stands, one committed batch at a time.
Status CopyTableRows(SqlSession& source, SqlDatabase& target, TableRun& run, const Clock& clock,
                     const CopyOptions& options, CopyObserver& observer) {
  const CopyTable& table = run.table;
  int64_t limit = std::max<int64_t>(
      1, std::min<int64_t>(options.batch_rows,
                           kMaxValuesPerInsert / static_cast<int64_t>(table.columns.size())));
  for (int64_t batch_number = 1; !run.progress.done; ++batch_number) {
    auto batch = ReadBatch(source, table, run.progress.last_key, limit);
    if (!batch) return batch.error().WithContext("reading " + table.name);
    TableProgress next = run.progress;
    next.done = static_cast<int64_t>(batch->rows.size()) < limit;
    if (!batch->rows.empty()) next.last_key = batch->last_key;
    next.rows_copied += static_cast<int64_t>(batch->rows.size());
    Status written = target.InTransaction([&](SqlSession& session) -> Status {
      if (!batch->rows.empty()) LIVEREC_RETURN_IF_ERROR(InsertRows(session, table, batch->rows));
      LIVEREC_RETURN_IF_ERROR(SaveCopyProgress(session, table.name, next, clock.NowMs()));
      if (options.before_commit_for_test)
        return options.before_commit_for_test(table.name, batch_number);
      return Status::Ok();
    });
    if (!written.ok()) return written.WithContext("writing " + table.name);
    run.progress = next;
    observer.OnBatch(table.name, run.progress.rows_copied, run.total);
  }
  return Status::Ok();
}

// Each sequence behind a serial or identity column continues after the column's maximum.
Result<int> SetSequences(SqlDatabase& target) {
  auto columns = ListPostgresSequenceColumns(target);
  if (!columns) return Error(columns.error());
  for (const auto& [table, column] : *columns) {
    auto set = target.Query(
        fmt::format(
            "SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX({}), 0) + 1, false) FROM {}",
            QuoteIdentifier(column), QuoteIdentifier(table)),
        {QuoteIdentifier(table), column});
    if (!set) return Error(set.error().WithContext("setting the sequence of " + table));
  }
  return static_cast<int>(columns->size());
}

Result<std::vector<TableCount>> CountBoth(SqlSession& source, SqlDatabase& target,
                                          const std::vector<CopyTable>& tables) {
  std::vector<TableCount> counts;
  for (const auto& table : tables) {
    auto on_source = CountRows(source, table.name);
    if (!on_source) return Error(on_source.error());
    auto on_target = CountRows(target, table.name);
    if (!on_target) return Error(on_target.error());
    counts.push_back({table.name, *on_source, *on_target});
  }
  return counts;
}

// The copy proper, inside the source's transaction.
Status CopyAll(SqlSession& source, SqlDatabase& target, const std::vector<CopyTable>& tables,
               std::map<std::string, TableProgress> progress, const Clock& clock,
               const CopyOptions& options, CopyObserver& observer, CopyReport& report) {
  for (const auto& table : tables) {
    auto total = CountRows(source, table.name);
    if (!total) return total.error();
    TableRun run{table, progress[table.name], *total};
    observer.OnTableStart(table.name, run.progress.rows_copied, run.total);
    LIVEREC_RETURN_IF_ERROR(CopyTableRows(source, target, run, clock, options, observer));
    observer.OnTableDone(table.name, run.progress.rows_copied);
  }
  auto sequences = SetSequences(target);
  if (!sequences) return sequences.error();
  report.sequences_set = *sequences;
  auto counts = CountBoth(source, target, tables);
  if (!counts) return counts.error();
  report.counts = std::move(*counts);
  return Status::Ok();
}

}  // namespace

Result<CopyReport> CopyDatabase(SqlDatabase& source, SqlDatabase& target, const Clock& clock,
                                const CopyOptions& options, CopyObserver& observer) {
  if (source.Dialect() != "sqlite" || target.Dialect() != "postgres") {
    return Error(Refuse("the copy goes from SQLite to PostgreSQL only"));
  }
  LIVEREC_RETURN_IF_ERROR(CheckSourceVersion(source));
  auto resumed = PrepareTarget(target, clock, observer);
  if (!resumed) return Error(resumed.error());
  CopyReport report;
  report.resumed = *resumed;
  if (report.resumed) observer.OnNote("the target holds an unfinished copy: resuming it");
  auto tables = ReadSqliteTables(source);
  if (!tables) return Error(tables.error());
  LIVEREC_RETURN_IF_ERROR(MatchSchemas(*tables, target));
  auto progress = LoadCopyProgress(target);
  if (!progress) return Error(progress.error());
  LIVEREC_RETURN_IF_ERROR(CheckResumable(*tables, target, *progress));
  Status copied = source.InTransaction([&](SqlSession& session) {
    return CopyAll(session, target, *tables, *progress, clock, options, observer, report);
  });
  if (!copied.ok()) {
    return Error(Status(copied.code(), copied.arg(),
                        copied.detail() + "\nThe copy stopped; what it committed stays. Run it "
                                          "again (same source, same target) to continue."));
  }
  if (report.Verified()) LIVEREC_RETURN_IF_ERROR(DropCopyProgress(target));
  return report;
}

}  // namespace liverec::metadata
