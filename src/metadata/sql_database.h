// SqlDatabase: the narrow door between repositories and a SQL engine.
//
// Repositories speak portable SQL with `?` placeholders and plain values; a backend (sqlite/,
// postgres/) runs it. Values are NULL, int64 or text: times are int64 UTC milliseconds, ids are
// text. Thread-safety: implementations may be called from any thread; a transaction belongs to
// the thread that opened it. Backend differences a repository must respect (docs/architecture.md
// "Portable SQL"): no engine-specific syntax unless chosen by Dialect(); a transaction's body may
// run more than once; a statement that lost its connection fails (ServiceUnavailable) and is not
// retried, since it may or may not have been applied.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"

namespace liverec::metadata {

using SqlValue = std::variant<std::monostate, int64_t, std::string>;
using SqlRow = std::vector<SqlValue>;

// Accessors that turn a NULL into a default.
int64_t AsInt(const SqlValue& value, int64_t fallback = 0);
std::string AsText(const SqlValue& value);
std::optional<int64_t> AsOptionalInt(const SqlValue& value);
SqlValue OptionalInt(const std::optional<int64_t>& value);
// `part` as a LIKE pattern that matches it anywhere, its wildcards escaped with '\' (for
// "LIKE ? ESCAPE '\'").
std::string ContainsPattern(const std::string& part);

// One result row while it is being read: valid only inside the callback it is passed to; text
// views point into the engine's buffers. Columns are numbered from 0 in SELECT order.
class SqlRowView {
 public:
  virtual ~SqlRowView() = default;
  virtual bool IsNull(int column) const = 0;
  virtual int64_t Int(int column) const = 0;            // NULL reads as 0
  virtual std::string_view Text(int column) const = 0;  // NULL reads as ""
};

// Called once per row; a non-OK status stops the query and is returned by QueryEach.
using SqlRowCallback = std::function<Status(const SqlRowView&)>;

class SqlSession {
 public:
  virtual ~SqlSession() = default;
  // Runs one statement; returns its rows (empty for statements without results).
  virtual Result<std::vector<SqlRow>> Query(std::string_view sql,
                                            const std::vector<SqlValue>& args = {}) = 0;
  // Runs one SELECT and hands each row to `on_row` as it is read, without materializing the
  // result: for long range scans. The default reads through Query(); backends stream.
  virtual Status QueryEach(std::string_view sql, const std::vector<SqlValue>& args,
                           const SqlRowCallback& on_row);
  // Runs one statement and returns the number of rows it changed.
  virtual Result<int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& args = {}) = 0;
};

class SqlDatabase : public SqlSession {
 public:
  // Runs `body` in one serializable transaction: committed if it returns OK, rolled back
  // otherwise. The body uses only `session` (the database itself would run outside the
  // transaction on PostgreSQL) and may run again from the start when PostgreSQL reports a
  // serialization conflict, so it must have no effects other than through `session` and on its
  // own results.
  virtual Status InTransaction(const std::function<Status(SqlSession&)>& body) = 0;
  // Runs a script of several statements without arguments (migrations).
  virtual Status ExecuteScript(std::string_view sql) = 0;
  // Runs `body` while holding the lock `key`, which every user of the same database respects:
  // on PostgreSQL a session advisory lock on a connection of its own (other nodes wait; the lock
  // goes with the connection if this process dies), on SQLite a mutex of this object (one
  // process per database file). Not reentrant. For one-time work such as migrations.
  virtual Status WithAdvisoryLock(int64_t key, const std::function<Status()>& body) = 0;
  // Runs `body` only if the lock `key` is free now, holding it meanwhile, without waiting: true
  // when the body ran (its error is returned instead when it failed), false when another holder
  // has the lock (the body did not run). On PostgreSQL a session advisory lock
  // (pg_try_advisory_lock) taken on one connection this object keeps for such locks, so every
  // node respects it; if that connection is lost mid-body the lock goes with it and another node
  // may start the same work meanwhile. On SQLite (one process per file) a lock of this object.
  // In both, one holder per key in this process too. For periodic jobs that should run on one
  // node at a time (cluster/one_node_job.h).
  virtual Result<bool> TryWithAdvisoryLock(int64_t key, const std::function<Status()>& body) = 0;
  // "sqlite" or "postgres": for the few statements and migrations that differ.
  virtual std::string_view Dialect() const = 0;
};

}  // namespace liverec::metadata
