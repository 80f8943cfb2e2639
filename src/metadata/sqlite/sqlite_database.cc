#include "metadata/sqlite/sqlite_database.h"

#include <sqlite3.h>

#include <fmt/format.h>

namespace liverec::metadata {

class SqliteDatabase::LockedSession final : public SqlSession {
 public:
  explicit LockedSession(SqliteDatabase& db) : db_(db) {}
  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& args) override {
    return db_.QueryLocked(sql, args);
  }
  Result<int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& args) override {
    auto rows = db_.QueryLocked(sql, args);
    if (!rows) return Error(rows.error());
    return static_cast<int64_t>(sqlite3_changes(db_.db_));
  }

 private:
  SqliteDatabase& db_;
};

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Error(ErrorCode::kInternalError, "",
                 fmt::format("cannot open SQLite database {}: {}", path, message));
  }
  std::unique_ptr<SqliteDatabase> result(new SqliteDatabase(db));
  sqlite3_busy_timeout(db, 5000);
  LIVEREC_RETURN_IF_ERROR(result->ExecuteScript(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"));
  return result;
}

SqliteDatabase::~SqliteDatabase() { sqlite3_close_v2(db_); }

Status SqliteDatabase::Fail(std::string_view what) const {
  return Status(ErrorCode::kInternalError, "",
                fmt::format("SQLite {}: {}", what, sqlite3_errmsg(db_)));
}

Result<std::vector<SqlRow>> SqliteDatabase::QueryLocked(std::string_view sql,
                                                        const std::vector<SqlValue>& args) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return Error(Fail(fmt::format("prepare `{}`", sql)));
  }
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> guard(stmt, sqlite3_finalize);
  for (size_t i = 0; i < args.size(); ++i) {
    int index = static_cast<int>(i) + 1;
    int rc = std::visit(
        [&](const auto& v) -> int {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            return sqlite3_bind_null(stmt, index);
          } else if constexpr (std::is_same_v<T, int64_t>) {
            return sqlite3_bind_int64(stmt, index, v);
          } else {
            return sqlite3_bind_text(stmt, index, v.data(), static_cast<int>(v.size()),
                                     SQLITE_TRANSIENT);
          }
        },
        args[i]);
    if (rc != SQLITE_OK) return Error(Fail("bind"));
  }
  std::vector<SqlRow> rows;
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return Error(Fail(fmt::format("step `{}`", sql)));
    int columns = sqlite3_column_count(stmt);
    SqlRow row;
    row.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL:
          row.emplace_back(std::monostate{});
          break;
        case SQLITE_INTEGER:
          row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
          break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          row.emplace_back(std::string(text ? text : "",
                                       static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
        }
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<SqlRow>> SqliteDatabase::Query(std::string_view sql,
                                                  const std::vector<SqlValue>& args) {
  std::lock_guard lock(mutex_);
  return QueryLocked(sql, args);
}

Result<int64_t> SqliteDatabase::Execute(std::string_view sql, const std::vector<SqlValue>& args) {
  std::lock_guard lock(mutex_);
  auto rows = QueryLocked(sql, args);
  if (!rows) return Error(rows.error());
  return static_cast<int64_t>(sqlite3_changes(db_));
}

Status SqliteDatabase::InTransaction(const std::function<Status(SqlSession&)>& body) {
  std::lock_guard lock(mutex_);
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Fail("begin");
  }
  LockedSession session(*this);
  Status status = body(session);
  const char* end = status.ok() ? "COMMIT" : "ROLLBACK";
  if (sqlite3_exec(db_, end, nullptr, nullptr, nullptr) != SQLITE_OK && status.ok()) {
    Status failed = Fail("commit");
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return failed;
  }
  return status;
}

Status SqliteDatabase::ExecuteScript(std::string_view sql) {
  std::lock_guard lock(mutex_);
  std::string script(sql);
  char* error = nullptr;
  if (sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    return Status(ErrorCode::kInternalError, "", "SQLite script: " + message);
  }
  return Status::Ok();
}

}  // namespace liverec::metadata
