// Versioned schema migrations, applied in order at start. Each migration is portable SQL (it runs
// unchanged on SQLite and PostgreSQL) unless it says otherwise with a SQLite-only variant, and is
// never edited once released: changes come as a new migration. Thread-safety: call once at start, before other users of the database.
#pragma once

#include <string_view>
#include <vector>

#include "base/clock.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
  // When not empty, run instead of `sql` on SQLite (for storage layouts only SQLite has).
  std::string_view sqlite_sql = {};
};

const std::vector<Migration>& AllMigrations();

// Creates `schema_migrations` if needed and applies every migration newer than the recorded
// version, each in its own transaction. Refuses a database newer than this binary.
Status ApplyMigrations(SqlDatabase& db, const Clock& clock);

// The highest applied version (0 for a new database).
Result<int> SchemaVersion(SqlDatabase& db);

}  // namespace liverec::metadata
