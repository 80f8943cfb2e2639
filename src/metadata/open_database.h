// OpenDatabase: the one place that picks a metadata backend, from [database] of the config:
// PostgreSQL when `url` is set, else the embedded SQLite file at `path`. Everything else sees
// only SqlDatabase. Thread-safety: plain functions; the database returned is thread-safe.
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"
#include "config/config.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

// Opens (SQLite: creating the file if needed) without migrating. The error says what failed:
// the SQLite file, or the PostgreSQL URL (password masked), credentials, database or server.
Result<std::unique_ptr<SqlDatabase>> OpenDatabase(const config::DatabaseConfig& config,
                                                  const Clock& clock);

// "SQLite <path>" or "PostgreSQL <url with the password masked>", for banners and logs.
std::string DescribeDatabase(const config::DatabaseConfig& config);

// What `liverec check-config` reports: the database reached and its schema version, without
// creating or changing anything.
struct DatabaseProbe {
  std::string description;  // DescribeDatabase
  bool exists = true;       // false: a SQLite file not created yet (`serve` creates it)
  int schema_version = 0;   // 0: no migration applied yet
  int latest_version = 0;   // the newest migration of this binary
};
Result<DatabaseProbe> ProbeDatabase(const config::DatabaseConfig& config, const Clock& clock);

}  // namespace liverec::metadata
