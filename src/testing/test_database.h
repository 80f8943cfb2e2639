// Databases for tests, of either backend: one repository suite runs on SQLite and PostgreSQL.
//
// SQLite is an in-memory database. PostgreSQL is a database of its own, made on the test server
// and dropped with the TestDatabase, so tests run side by side. The server is the one named by
// LIVEREC_TEST_POSTGRES_URL, or else the throwaway cluster that scripts/test-postgres.sh started
// in the directory LIVEREC_TEST_POSTGRES_DIR (CTest sets it and starts the cluster once for every
// test that needs it; tests/README.md). Without either, a PostgreSQL test fails: it never skips.
// Thread-safety: a TestDatabase belongs to one test; its database is thread-safe.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"
#include "metadata/sql_database.h"

namespace liverec::testing {

enum class Backend { kSqlite, kPostgres };

// "Sqlite" or "Postgres": the suffix of a parameterised test's name.
std::string BackendName(Backend backend);
// How GoogleTest prints a Backend (test names in CTest say "GetParam() = Postgres").
inline void PrintTo(Backend backend, std::ostream* out) { *out << BackendName(backend); }

// The test server's URL (see above), or why there is none.
Result<std::string> TestPostgresUrl();

class TestDatabase {
 public:
  // A new, empty database.
  static Result<std::unique_ptr<TestDatabase>> Create(Backend backend, const Clock& clock);
  // A new database with every migration applied.
  static Result<std::unique_ptr<TestDatabase>> CreateMigrated(Backend backend, const Clock& clock);
  ~TestDatabase();

  metadata::SqlDatabase& db() { return *db_; }
  Backend backend() const { return backend_; }
  // PostgreSQL: the URL of this database, for more connections to it (a second node). SQLite: "".
  const std::string& url() const { return url_; }
  // PostgreSQL: runs `sql` on a connection to the server's maintenance database, outside the
  // database under test (e.g. to terminate its connections or rename it).
  Status Admin(std::string_view sql);
  // PostgreSQL: this database's name.
  const std::string& name() const { return name_; }
  // PostgreSQL: another node's door to this database (a pool of `pool_size` connections of its
  // own), for tests of several nodes on one database.
  Result<std::unique_ptr<metadata::SqlDatabase>> OpenNode(const Clock& clock,
                                                          int pool_size = 2) const;

 private:
  TestDatabase(Backend backend) : backend_(backend) {}

  Backend backend_;
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::string admin_url_;  // PostgreSQL: the server's URL as given
  std::string url_;
  std::string name_;
};

// A migrated in-memory SQLite database, for tests of later layers that need a store.
Result<std::unique_ptr<metadata::SqlDatabase>> OpenMigratedSqlite(const Clock& clock);

}  // namespace liverec::testing
