// The tables `liverec db copy` moves, read from the databases' own catalogues rather than from a
// list kept by hand: a migration that adds a table is copied without a change here.
//
// The source is SQLite (sqlite_master, pragma_table_info, pragma_foreign_key_list); the target is
// PostgreSQL (information_schema, pg_depend for the sequences behind serial and identity
// columns). schema_migrations is not a copied table (the target gets its own rows by migrating)
// and neither is the copy's progress table. Thread-safety: plain functions over a session the
// caller owns.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

// The copy's progress table on the target (copy_progress.h); never copied, never "other data".
inline constexpr char kCopyProgressTable[] = "liverec_db_copy_progress";

struct CopyTable {
  std::string name;
  std::vector<std::string> columns;  // in the source's column order
  std::vector<int> key;              // positions in `columns` of the primary key, in key order
  std::vector<std::string> parents;  // tables its foreign keys reference (itself excluded)
};

// The source's tables in dependency order: every table after the tables it references (ties by
// name). Fails on a table without a primary key (the copy pages through keys) and on a cycle of
// foreign keys.
Result<std::vector<CopyTable>> ReadSqliteTables(SqlSession& sqlite);

// Orders `tables` so that each comes after its parents (parents outside the list are ignored);
// ties by name. Fails on a cycle.
Result<std::vector<CopyTable>> OrderByDependencies(std::vector<CopyTable> tables);

// The PostgreSQL tables of the current schema, by name, except schema_migrations and the progress
// table.
Result<std::vector<std::string>> ListPostgresTables(SqlSession& postgres);

// The column names of a PostgreSQL table, in order; empty when there is no such table.
Result<std::vector<std::string>> ListPostgresColumns(SqlSession& postgres,
                                                     const std::string& table);

// Each column of the current schema backed by a sequence (serial, identity).
struct SequenceColumn {
  std::string table;
  std::string column;
};
Result<std::vector<SequenceColumn>> ListPostgresSequenceColumns(SqlSession& postgres);

// `name` as a quoted SQL identifier ("a""b"), valid on both engines.
std::string QuoteIdentifier(const std::string& name);

}  // namespace liverec::metadata
