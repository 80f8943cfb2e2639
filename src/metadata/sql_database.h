// SqlDatabase: the narrow door between repositories and a SQL engine.
//
// Repositories (metadata/sql/) speak portable SQL with `?` placeholders and plain values; a
// backend (sqlite/, later postgres/) runs it. Values are NULL, int64 or text: times are int64 UTC
// milliseconds, ids are text. Thread-safety: implementations may be called from any thread; a
// Transaction belongs to the thread that opened it and blocks other users until it ends.
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
  // Runs `body` in one transaction: committed if it returns OK, rolled back otherwise.
  virtual Status InTransaction(const std::function<Status(SqlSession&)>& body) = 0;
  // Runs a script of several statements without arguments (migrations).
  virtual Status ExecuteScript(std::string_view sql) = 0;
  // "sqlite" or "postgres": migrations may differ in a few type names.
  virtual std::string_view Dialect() const = 0;
};

}  // namespace liverec::metadata
