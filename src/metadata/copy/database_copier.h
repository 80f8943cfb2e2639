// CopyDatabase: moves a single node's metadata from its SQLite database into an empty PostgreSQL
// database — the engine of `liverec db copy` (docs/operations.md "Moving to PostgreSQL").
//
// What it does, in order:
// 1. Refuses a source whose schema version is not this binary's (start the new binary once on
//    the SQLite file so that it migrates, stop it, then copy) and a target newer than the binary.
// 2. Target: when it has no progress table (copy_progress.h), every table of its schema must be
//    empty (a new database, or one only migrated); it is migrated, and the progress table made.
//    When it has one, this is a re-run: every table must hold exactly the rows the progress
//    records, and the copy continues from there.
// 3. Holds a write transaction on the source for the whole run (nothing writes it meanwhile; the
//    copy is one consistent snapshot) and copies its tables (copy_schema.h: read from SQLite's
//    catalogue, each after the tables its foreign keys reference), in batches: keyset pagination
//    on the primary key in the source's order, each batch inserted in one target transaction
//    together with its table's progress row. An interruption anywhere loses at most the batch in
//    flight, which was not committed; a re-run resumes after the last committed key, so no row
//    is copied twice and none is skipped.
// 4. Sets every sequence behind a serial or identity column past the copied maximum.
// 5. Verifies the row count of every table on both sides; when they all match, drops the
//    progress table (the copy is finished; a later run finds data and refuses).
// Refusals and failures are Status errors whose detail says what to do. Thread-safety: one call
// at a time per pair of databases; the observer is called on the caller's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

struct CopyOptions {
  int64_t batch_rows = 1000;  // fewer for wide tables: at most 30,000 values per INSERT
  // Called inside each batch's target transaction after its rows are written, before it commits
  // (`batch` counts from 1 per run and table). An error rolls the batch back and ends the copy
  // with that error: how tests interrupt a copy.
  std::function<Status(const std::string& table, int64_t batch)> before_commit_for_test;
};

struct TableCount {
  std::string table;
  int64_t source_rows = 0;
  int64_t target_rows = 0;
};

struct CopyReport {
  bool resumed = false;            // the target held an unfinished copy
  std::vector<TableCount> counts;  // the verification, in copy order
  int sequences_set = 0;
  // Every table has as many rows on the target as on the source.
  bool Verified() const;
};

// What the copy tells as it goes (the CLI prints it on stderr). Every method has a default.
class CopyObserver {
 public:
  virtual ~CopyObserver() = default;
  virtual void OnNote(std::string_view /*message*/) {}
  // Before a table: rows already on the target (a re-run) and rows on the source.
  virtual void OnTableStart(const std::string& /*table*/, int64_t /*done*/, int64_t /*total*/) {}
  virtual void OnBatch(const std::string& /*table*/, int64_t /*done*/, int64_t /*total*/) {}
  virtual void OnTableDone(const std::string& /*table*/, int64_t /*rows*/) {}
};

// Copies `source` (SQLite) into `target` (PostgreSQL) as described above. The report is returned
// also when the counts differ (Verified() false: the progress table is kept); errors are refusals
// before anything was written or interruptions after which a re-run continues.
Result<CopyReport> CopyDatabase(SqlDatabase& source, SqlDatabase& target, const Clock& clock,
                                const CopyOptions& options, CopyObserver& observer);

}  // namespace liverec::metadata
