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

class SqlSession {
 public:
  virtual ~SqlSession() = default;
  // Runs one statement; returns its rows (empty for statements without results).
  virtual Result<std::vector<SqlRow>> Query(std::string_view sql,
                                            const std::vector<SqlValue>& args = {}) = 0;
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
