#include "metadata/sqlite/sqlite_database.h"

#include <sqlite3.h>

#include <fmt/format.h>

#include <memory>
#include <type_traits>
#include <variant>

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
  Status QueryEach(std::string_view sql, const std::vector<SqlValue>& args,
                   const SqlRowCallback& on_row) override {
    return db_.RunLocked(sql, args, on_row);
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

SqliteDatabase::~SqliteDatabase() {
  for (auto& [sql, stmt] : idle_statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status SqliteDatabase::Fail(std::string_view what) const {
  return Status(ErrorCode::kInternalError, "",
                fmt::format("SQLite {}: {}", what, sqlite3_errmsg(db_)));
}

class SqliteDatabase::StatementRow final : public SqlRowView {
 public:
  explicit StatementRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  sqlite3_stmt* stmt() const { return stmt_; }
  bool IsNull(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  int64_t Int(int column) const override { return sqlite3_column_int64(stmt_, column); }
  std::string_view Text(int column) const override {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (text == nullptr) return {};
    return {text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
  }

 private:
  sqlite3_stmt* stmt_;
};

namespace {

constexpr size_t kMaxIdleStatements = 128;

int Bind(sqlite3_stmt* stmt, int index, const SqlValue& value) {
  return std::visit(
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
      value);
}

SqlValue ColumnValue(sqlite3_stmt* stmt, int column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_NULL:
      return std::monostate{};
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt, column));
    default: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
      return std::string(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(stmt, column)));
    }
  }
}

}  // namespace

Result<sqlite3_stmt*> SqliteDatabase::Acquire(std::string_view sql) {
  auto idle = idle_statements_.find(std::string(sql));
  if (idle != idle_statements_.end()) {
    sqlite3_stmt* stmt = idle->second;
    idle_statements_.erase(idle);
    return stmt;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return Error(Fail(fmt::format("prepare `{}`", sql)));
  }
  return stmt;
}

void SqliteDatabase::Release(std::string_view sql, sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (idle_statements_.size() >= kMaxIdleStatements ||
      !idle_statements_.emplace(std::string(sql), stmt).second) {
    sqlite3_finalize(stmt);
  }
}

Status SqliteDatabase::RunLocked(std::string_view sql, const std::vector<SqlValue>& args,
                                 const SqlRowCallback& on_row) {
  auto acquired = Acquire(sql);
  if (!acquired) return acquired.error();
  sqlite3_stmt* stmt = *acquired;
  struct Lease {
    SqliteDatabase& db;
    std::string_view sql;
    sqlite3_stmt* stmt;
    ~Lease() { db.Release(sql, stmt); }
  } lease{*this, sql, stmt};
  for (size_t i = 0; i < args.size(); ++i) {
    if (Bind(stmt, static_cast<int>(i) + 1, args[i]) != SQLITE_OK) return Fail("bind");
  }
  StatementRow row(stmt);
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return Fail(fmt::format("step `{}`", sql));
    LIVEREC_RETURN_IF_ERROR(on_row(row));
  }
}

Result<std::vector<SqlRow>> SqliteDatabase::QueryLocked(std::string_view sql,
                                                        const std::vector<SqlValue>& args) {
  std::vector<SqlRow> rows;
  Status status = RunLocked(sql, args, [&](const SqlRowView& view) {
    auto* stmt = static_cast<const StatementRow&>(view).stmt();
    int columns = sqlite3_column_count(stmt);
    SqlRow row;
    row.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) row.push_back(ColumnValue(stmt, c));
    rows.push_back(std::move(row));
    return Status::Ok();
  });
  if (!status.ok()) return Error(status);
  return rows;
}

Status SqliteDatabase::QueryEach(std::string_view sql, const std::vector<SqlValue>& args,
                                 const SqlRowCallback& on_row) {
  std::lock_guard lock(mutex_);
  return RunLocked(sql, args, on_row);
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

Status SqliteDatabase::WithAdvisoryLock(int64_t /*key*/, const std::function<Status()>& body) {
  std::lock_guard lock(advisory_mutex_);
  return body();
}

Result<bool> SqliteDatabase::TryWithAdvisoryLock(int64_t key, const std::function<Status()>& body) {
  {
    std::lock_guard lock(held_mutex_);
    if (!held_keys_.insert(key).second) return false;
  }
  Status status = body();
  {
    std::lock_guard lock(held_mutex_);
    held_keys_.erase(key);
  }
  if (!status.ok()) return Error(status);
  return true;
}

}  // namespace liverec::metadata
