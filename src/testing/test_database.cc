#include "testing/test_database.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "base/random.h"
#include "config/config.h"
#include "metadata/migrations.h"
#include "metadata/open_database.h"
#include "metadata/postgres/postgres_connection.h"
#include "metadata/postgres/postgres_database.h"
#include "metadata/postgres/postgres_url.h"
#include "metadata/sqlite/sqlite_database.h"

namespace liverec::testing {
namespace {

constexpr int kTestPoolSize = 4;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// A name no other test process picks: the process id and 64 random bits.
std::string NewDatabaseName() {
  OsRandom random;
  return fmt::format("liverec_test_{}_{:016x}", ::getpid(), random.NextU64());
}

}  // namespace

std::string BackendName(Backend backend) {
  return backend == Backend::kSqlite ? "Sqlite" : "Postgres";
}

Result<std::string> TestPostgresUrl() {
  if (std::string url = Env("LIVEREC_TEST_POSTGRES_URL"); !url.empty()) return url;
  std::string dir = Env("LIVEREC_TEST_POSTGRES_DIR");
  if (dir.empty()) {
    return Error(ErrorCode::kInternalError, "",
                 "no PostgreSQL for tests: run the test through ctest (it starts the throwaway "
                 "cluster), or set LIVEREC_TEST_POSTGRES_URL, e.g. to the URL that "
                 "`scripts/test-postgres.sh start /tmp/liverec-pg` prints");
  }
  std::ifstream in(std::filesystem::path(dir) / "url");
  std::string url;
  std::getline(in, url);
  if (url.empty()) {
    return Error(ErrorCode::kInternalError, "",
                 fmt::format("no PostgreSQL for tests: {}/url is missing; the cluster was not "
                             "started (scripts/test-postgres.sh start {})",
                             dir, dir));
  }
  return url;
}

Result<std::unique_ptr<TestDatabase>> TestDatabase::Create(Backend backend, const Clock& clock) {
  std::unique_ptr<TestDatabase> test(new TestDatabase(backend));
  if (backend == Backend::kSqlite) {
    auto db = metadata::SqliteDatabase::Open(":memory:");
    if (!db) return Error(db.error());
    test->db_ = std::move(*db);
    return test;
  }
  auto server = TestPostgresUrl();
  if (!server) return Error(server.error());
  test->admin_url_ = *server;
  std::string name = NewDatabaseName();
  LIVEREC_RETURN_IF_ERROR(test->Admin("CREATE DATABASE " + name));
  test->name_ = name;
  test->url_ = metadata::WithDatabaseName(*server, name);
  metadata::PostgresOptions options;
  options.url = test->url_;
  options.pool_size = kTestPoolSize;
  options.acquire_timeout_ms = 10'000;
  auto db = metadata::PostgresDatabase::Open(options, clock);
  if (!db) return Error(db.error());
  test->db_ = std::move(*db);
  return test;
}

Result<std::unique_ptr<TestDatabase>> TestDatabase::CreateMigrated(Backend backend,
                                                                   const Clock& clock) {
  auto test = Create(backend, clock);
  if (!test) return test;
  LIVEREC_RETURN_IF_ERROR(metadata::ApplyMigrations((*test)->db(), clock));
  return test;
}

TestDatabase::~TestDatabase() {
  db_.reset();  // its connections first: a database in use cannot be dropped
  if (!name_.empty()) (void)Admin(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name_));
}

Status TestDatabase::Admin(std::string_view sql) {
  auto admin = metadata::PostgresConnection::Connect(admin_url_);
  if (!admin) return admin.error().WithContext("the test PostgreSQL server");
  return (*admin)->Exec(sql);
}

Result<std::unique_ptr<metadata::SqlDatabase>> TestDatabase::OpenNode(const Clock& clock,
                                                                      int pool_size) const {
  config::DatabaseConfig config;
  config.url = url_;
  config.pool_size = pool_size;
  return metadata::OpenDatabase(config, clock);
}

Result<std::unique_ptr<metadata::SqlDatabase>> OpenMigratedSqlite(const Clock& clock) {
  auto db = metadata::SqliteDatabase::Open(":memory:");
  if (!db) return Error(db.error());
  LIVEREC_RETURN_IF_ERROR(metadata::ApplyMigrations(**db, clock));
  return std::unique_ptr<metadata::SqlDatabase>(std::move(*db));
}

}  // namespace liverec::testing
