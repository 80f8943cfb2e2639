#include "metadata/open_database.h"

#include <filesystem>

#include "metadata/migrations.h"
#include "metadata/postgres/postgres_database.h"
#include "metadata/postgres/postgres_url.h"
#include "metadata/sqlite/sqlite_database.h"

namespace liverec::metadata {

Result<std::unique_ptr<SqlDatabase>> OpenDatabase(const config::DatabaseConfig& config,
                                                  const Clock& clock) {
  if (config.url.empty()) {
    auto sqlite = SqliteDatabase::Open(config.path);
    if (!sqlite) return Error(sqlite.error());
    return std::unique_ptr<SqlDatabase>(std::move(*sqlite));
  }
  PostgresOptions options;
  options.url = config.url;
  options.pool_size = static_cast<int>(config.pool_size);
  auto postgres = PostgresDatabase::Open(options, clock);
  if (!postgres) return Error(postgres.error());
  return std::unique_ptr<SqlDatabase>(std::move(*postgres));
}

std::string DescribeDatabase(const config::DatabaseConfig& config) {
  if (config.url.empty()) return "SQLite " + config.path;
  return "PostgreSQL " + MaskDatabaseUrl(config.url);
}

Result<DatabaseProbe> ProbeDatabase(const config::DatabaseConfig& config, const Clock& clock) {
  DatabaseProbe probe;
  probe.description = DescribeDatabase(config);
  probe.latest_version = AllMigrations().back().version;
  std::error_code error;
  if (config.url.empty() && !std::filesystem::exists(config.path, error)) {
    probe.exists = false;
    return probe;
  }
  auto db = OpenDatabase(config, clock);
  if (!db) return Error(db.error());
  auto version = StoredSchemaVersion(**db);
  if (!version) return Error(version.error());
  probe.schema_version = *version;
  return probe;
}

}  // namespace liverec::metadata
