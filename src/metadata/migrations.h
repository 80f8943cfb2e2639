// Versioned schema migrations, applied in order at start. Each migration is portable SQL (it runs
// unchanged on SQLite and PostgreSQL) unless it says otherwise with a SQLite-only variant, and is
// never edited once released: changes come as a new migration. Several processes may migrate one
// database at once (the nodes of a cluster starting together): ApplyMigrations holds the
// database's advisory lock kMigrationLockKey throughout, so one applies and the others find the
// work done. Thread-safety: call at start, before other users of the database.
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

// The advisory lock held while migrating ("liverec" and 1 in its bytes).
inline constexpr int64_t kMigrationLockKey = 0x6c69766572656301;

// Under the migration lock: creates `schema_migrations` if needed and applies every migration
// newer than the recorded version, each in its own transaction. Refuses a database newer than
// this binary.
Status ApplyMigrations(SqlDatabase& db, const Clock& clock);

// As ApplyMigrations, but only up to `version`: the schema as an older liverec left it, for
// tests of a migration.
Status ApplyMigrationsUpTo(SqlDatabase& db, const Clock& clock, int version);

// The highest applied version (0 for a new database). Needs `schema_migrations`.
Result<int> SchemaVersion(SqlDatabase& db);

// As SchemaVersion, but 0 when `schema_migrations` does not exist; creates nothing.
Result<int> StoredSchemaVersion(SqlDatabase& db);

}  // namespace liverec::metadata
