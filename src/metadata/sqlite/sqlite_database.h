// SqliteDatabase: SqlDatabase over one SQLite connection in WAL mode, serialized by a mutex.
// The embedded default backend. Thread-safety: any thread; calls are serialized.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "metadata/sql_database.h"

struct sqlite3;

namespace liverec::metadata {

class SqliteDatabase final : public SqlDatabase {
 public:
  // Opens (creating if needed) the database file; ":memory:" for tests.
  static Result<std::unique_ptr<SqliteDatabase>> Open(const std::string& path);
  ~SqliteDatabase() override;

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& args) override;
  Result<int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& args) override;
  Status InTransaction(const std::function<Status(SqlSession&)>& body) override;
  Status ExecuteScript(std::string_view sql) override;
  std::string_view Dialect() const override { return "sqlite"; }

 private:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  Result<std::vector<SqlRow>> QueryLocked(std::string_view sql, const std::vector<SqlValue>& args);
  Status Fail(std::string_view what) const;

  class LockedSession;
  sqlite3* db_;
  std::recursive_mutex mutex_;
};

}  // namespace liverec::metadata
