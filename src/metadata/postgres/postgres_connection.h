// PostgresConnection: one libpq connection and its prepared statements, for PostgresDatabase's
// pool. Statements take portable SQL with `?` placeholders; each distinct text is prepared once
// per connection (PostgreSQL infers the parameter types) and values travel as text. Failures
// say what failed and carry the SQLSTATE; a lost connection is ServiceUnavailable, anything else
// InternalError. Thread-safety: none; one user at a time (the pool leases it out).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "metadata/sql_database.h"

struct pg_conn;
struct pg_result;

namespace liverec::metadata {

// One row of a PostgreSQL result, valid only inside the callback it is passed to.
class PostgresRow final : public SqlRowView {
 public:
  PostgresRow(const pg_result* result, int row) : result_(result), row_(row) {}
  bool IsNull(int column) const override;
  int64_t Int(int column) const override;
  std::string_view Text(int column) const override;
  // The column as the value SQLite would give: integers (and booleans, and numerics without a
  // fraction, e.g. SUM) as int64, NULL as monostate, everything else as text.
  SqlValue Value(int column) const;
  int Columns() const;

 private:
  const pg_result* result_;
  int row_;
};

using PostgresRowCallback = std::function<Status(const PostgresRow&)>;

class PostgresConnection {
 public:
  // Connects to `url` (postgresql://...); the error names the masked URL and the server's reason
  // (unreachable host, wrong password, unknown database, ...).
  static Result<std::unique_ptr<PostgresConnection>> Connect(const std::string& url);
  ~PostgresConnection();
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  // Runs one statement, calling `on_row` for each row. `stream`: single-row mode, so a long
  // result is never held whole (the connection stays busy until the last row: no nested use).
  // A non-OK status from `on_row` stops the calls; the rest of the result is read and dropped.
  // `changed` (may be null) receives the number of rows an INSERT/UPDATE/DELETE changed.
  Status Run(std::string_view sql, const std::vector<SqlValue>& args,
             const PostgresRowCallback& on_row, bool stream, int64_t* changed = nullptr);
  Result<std::vector<SqlRow>> Query(std::string_view sql, const std::vector<SqlValue>& args);
  Result<int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& args);
  // Runs a script of statements without arguments (the simple-query protocol).
  Status Exec(std::string_view script);

  // False once the connection is known to be lost. Reads whatever the server sent while the
  // connection was idle, so a server that closed it (restart, terminated backend) is noticed
  // before the next statement is sent.
  bool CheckAlive();
  bool Broken() const;
  // Inside a transaction block (open, or failed and waiting for ROLLBACK).
  bool InTransactionBlock() const;
  // Inside a transaction block that a failed statement aborted.
  bool TransactionFailed() const;
  // The SQLSTATE of the first failure since ClearFirstFailure ("" = none).
  const std::string& first_failure_sqlstate() const { return first_failure_sqlstate_; }
  void ClearFirstFailure() { first_failure_sqlstate_.clear(); }
  int ServerVersion() const;

 private:
  explicit PostgresConnection(pg_conn* conn) : conn_(conn) {}
  // libpq's notice receiver: a FATAL message while idle means the server is closing the
  // connection (a terminated backend, a shutdown).
  static void OnNotice(void* self, const pg_result* notice);
  // The statement name for `sql` ("" = run unprepared: the cache is full), preparing it first.
  Result<std::string> Prepared(std::string_view sql);
  bool Send(const std::string& name, const std::string& numbered,
            const std::vector<SqlValue>& args);
  Status Failure(std::string_view what, const pg_result* result);

  pg_conn* conn_;
  bool lost_ = false;  // the server said it ends the session (FATAL), before the socket shows it
  std::unordered_map<std::string, std::string> prepared_;  // SQL as given -> statement name
  int next_statement_ = 0;
  std::string first_failure_sqlstate_;
};

}  // namespace liverec::metadata
