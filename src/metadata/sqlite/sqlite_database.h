// SqliteDatabase: SqlDatabase over one SQLite connection in WAL mode, serialized by a mutex.
// The embedded default backend. Prepared statements are kept in a small cache keyed by their SQL
// text (the repositories' statements are constant strings). Thread-safety: any thread; calls are
// serialized.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "metadata/sql_database.h"

struct sqlite3;
struct sqlite3_stmt;

namespace liverec::metadata {

class SqliteDatabase final : public SqlDatabase {
 public:
  // Opens (creating if needed) the database file; ":memory:" for tests.
  static Result<std::unique_ptr<SqliteDatabase>> Open(const std::string& path);
  ~SqliteDatabase() override;

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& args) override;
  Status QueryEach(std::string_view sql, const std::vector<SqlValue>& args,
                   const SqlRowCallback& on_row) override;
  Result<int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& args) override;
  Status InTransaction(const std::function<Status(SqlSession&)>& body) override;
  Status ExecuteScript(std::string_view sql) override;
  Status WithAdvisoryLock(int64_t key, const std::function<Status()>& body) override;
  Result<bool> TryWithAdvisoryLock(int64_t key, const std::function<Status()>& body) override;
  std::string_view Dialect() const override { return "sqlite"; }

 private:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  Result<std::vector<SqlRow>> QueryLocked(std::string_view sql, const std::vector<SqlValue>& args);
  // Prepares (or takes from the cache) `sql`, binds `args`, and steps it, calling `on_row` per row.
  Status RunLocked(std::string_view sql, const std::vector<SqlValue>& args,
                   const SqlRowCallback& on_row);
  Result<sqlite3_stmt*> Acquire(std::string_view sql);
  void Release(std::string_view sql, sqlite3_stmt* stmt);
  Status Fail(std::string_view what) const;

  class LockedSession;
  class StatementRow;
  sqlite3* db_;
  std::recursive_mutex mutex_;
  std::mutex advisory_mutex_;  // WithAdvisoryLock: one process per file, so a mutex suffices
  std::mutex held_mutex_;
  std::set<int64_t> held_keys_;  // TryWithAdvisoryLock's keys held now
  // Idle prepared statements. A statement in use is taken out, so a nested query with the same
  // text (from a row callback) prepares its own.
  std::unordered_map<std::string, sqlite3_stmt*> idle_statements_;
};

}  // namespace liverec::metadata
