#include "metadata/postgres/postgres_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <type_traits>
#include <variant>

#include <fmt/format.h>

#include "metadata/postgres/postgres_url.h"

namespace liverec::metadata {
namespace {

// Type OIDs (src/include/catalog/pg_type.dat) read as integers.
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kOidOid = 26,
              kNumericOid = 1700;
// Beyond this many distinct statement texts a connection runs new ones unprepared.
constexpr size_t kMaxPreparedStatements = 256;
constexpr std::string_view kSqlStateConnectionLost = "08006";

std::string Trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return text;
}

bool ParseInt(std::string_view text, int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// A message that ends the session: severity FATAL or PANIC, a connection exception (class 08)
// or the server going down (57P01-57P03: terminated by an administrator, crash, not accepting).
bool EndsSession(const PGresult* result) {
  if (result == nullptr) return false;
  const char* severity = PQresultErrorField(result, PG_DIAG_SEVERITY_NONLOCALIZED);
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string_view s = severity ? severity : "", code = state ? state : "";
  return s == "FATAL" || s == "PANIC" || code.starts_with("08") || code == "57P01" ||
         code == "57P02" || code == "57P03";
}

}  // namespace

void PostgresConnection::OnNotice(void* self, const PGresult* notice) {
  // Other notices ("relation already exists, skipping" and the like) are dropped.
  if (EndsSession(notice)) static_cast<PostgresConnection*>(self)->lost_ = true;
}

bool PostgresRow::IsNull(int column) const { return PQgetisnull(result_, row_, column) != 0; }

int64_t PostgresRow::Int(int column) const {
  if (IsNull(column)) return 0;
  std::string_view text = Text(column);
  if (PQftype(result_, column) == kBoolOid) return text == "t" ? 1 : 0;
  int64_t value = 0;
  return ParseInt(text, value) ? value : 0;
}

std::string_view PostgresRow::Text(int column) const {
  if (IsNull(column)) return {};
  return {PQgetvalue(result_, row_, column),
          static_cast<size_t>(PQgetlength(result_, row_, column))};
}

SqlValue PostgresRow::Value(int column) const {
  if (IsNull(column)) return std::monostate{};
  Oid type = PQftype(result_, column);
  std::string_view text = Text(column);
  int64_t value = 0;
  switch (type) {
    case kBoolOid:
      return int64_t{text == "t" ? 1 : 0};
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid:
    case kNumericOid:
      if (ParseInt(text, value)) return value;
      break;
    default:
      break;
  }
  return std::string(text);
}

int PostgresRow::Columns() const { return PQnfields(result_); }

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::Connect(const std::string& url) {
  // The URL comes last and so overrides these defaults when it sets them itself.
  const char* keys[] = {"connect_timeout", "application_name", "client_encoding", "dbname",
                        nullptr};
  const char* values[] = {"10", "liverec", "UTF8", url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string reason = conn ? Trimmed(PQerrorMessage(conn)) : "out of memory";
    PQfinish(conn);
    return Error(
        ErrorCode::kServiceUnavailable, "",
        fmt::format("cannot connect to PostgreSQL at {}: {}", MaskDatabaseUrl(url), reason));
  }
  std::unique_ptr<PostgresConnection> made(new PostgresConnection(conn));
  PQsetNoticeReceiver(conn, OnNotice, made.get());
  return made;
}

PostgresConnection::~PostgresConnection() { PQfinish(conn_); }

bool PostgresConnection::Broken() const { return lost_ || PQstatus(conn_) != CONNECTION_OK; }

bool PostgresConnection::CheckAlive() {
  if (Broken()) return false;
  // Reads what arrived while idle (without waiting) and parses it: a FATAL message goes to
  // OnNotice; a closed socket makes the read fail.
  if (PQconsumeInput(conn_) == 0) return false;
  (void)PQisBusy(conn_);
  return !Broken();
}

bool PostgresConnection::InTransactionBlock() const {
  PGTransactionStatusType status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

bool PostgresConnection::TransactionFailed() const {
  return PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

int PostgresConnection::ServerVersion() const { return PQserverVersion(conn_); }

Status PostgresConnection::Failure(std::string_view what, const PGresult* result) {
  if (EndsSession(result)) lost_ = true;
  if (Broken()) {
    if (first_failure_sqlstate_.empty()) first_failure_sqlstate_ = kSqlStateConnectionLost;
    std::string reason = Trimmed(result ? PQresultErrorMessage(result) : "");
    if (reason.empty()) reason = Trimmed(PQerrorMessage(conn_));
    return Status(ErrorCode::kServiceUnavailable, "",
                  fmt::format("lost the connection to PostgreSQL during {}: {}", what, reason));
  }
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (first_failure_sqlstate_.empty() && state) first_failure_sqlstate_ = state;
  std::string message = Trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  if (message.empty()) message = Trimmed(PQerrorMessage(conn_));
  return Status(ErrorCode::kInternalError, "",
                fmt::format("PostgreSQL {}: {}{}", what, message,
                            state ? fmt::format(" (SQLSTATE {})", state) : std::string()));
}

Result<std::string> PostgresConnection::Prepared(std::string_view sql) {
  auto found = prepared_.find(std::string(sql));
  if (found != prepared_.end()) return found->second;
  if (prepared_.size() >= kMaxPreparedStatements) return std::string();
  std::string numbered = NumberPlaceholders(sql);
  std::string name = fmt::format("liverec_{}", next_statement_++);
  ResultPtr result(PQprepare(conn_, name.c_str(), numbered.c_str(), 0, nullptr));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    return Error(Failure(fmt::format("prepare `{}`", sql), result.get()));
  }
  prepared_.emplace(std::string(sql), name);
  return name;
}

bool PostgresConnection::Send(const std::string& name, const std::string& numbered,
                              const std::vector<SqlValue>& args) {
  std::vector<std::string> texts(args.size());
  std::vector<const char*> values(args.size(), nullptr);
  for (size_t i = 0; i < args.size(); ++i) {
    if (const auto* n = std::get_if<int64_t>(&args[i])) {
      texts[i] = std::to_string(*n);
      values[i] = texts[i].c_str();
    } else if (const auto* s = std::get_if<std::string>(&args[i])) {
      values[i] = s->c_str();
    }
  }
  int count = static_cast<int>(args.size());
  if (name.empty()) {
    return PQsendQueryParams(conn_, numbered.c_str(), count, nullptr, values.data(), nullptr,
                             nullptr, 0) == 1;
  }
  return PQsendQueryPrepared(conn_, name.c_str(), count, values.data(), nullptr, nullptr, 0) == 1;
}

Status PostgresConnection::Run(std::string_view sql, const std::vector<SqlValue>& args,
                               const PostgresRowCallback& on_row, bool stream, int64_t* changed) {
  auto name = Prepared(sql);
  if (!name) return name.error();
  std::string numbered = name->empty() ? NumberPlaceholders(sql) : std::string();
  if (!Send(*name, numbered, args)) return Failure(fmt::format("send `{}`", sql), nullptr);
  if (stream) PQsetSingleRowMode(conn_);
  Status status = Status::Ok();
  while (PGresult* raw = PQgetResult(conn_)) {
    ResultPtr result(raw);
    ExecStatusType kind = PQresultStatus(raw);
    if (kind == PGRES_SINGLE_TUPLE || kind == PGRES_TUPLES_OK) {
      for (int row = 0, rows = PQntuples(raw); row < rows && status.ok(); ++row) {
        status = on_row(PostgresRow(raw, row));
      }
    } else if (kind == PGRES_COMMAND_OK) {
      int64_t count = 0;
      if (changed && ParseInt(PQcmdTuples(raw), count)) *changed = count;
    } else if (status.ok()) {
      status = Failure(fmt::format("`{}`", sql), raw);
    }
  }
  if (status.ok() && Broken()) return Failure(fmt::format("`{}`", sql), nullptr);
  return status;
}

Result<std::vector<SqlRow>> PostgresConnection::Query(std::string_view sql,
                                                      const std::vector<SqlValue>& args) {
  std::vector<SqlRow> rows;
  Status status = Run(
      sql, args,
      [&](const PostgresRow& view) {
        SqlRow row;
        row.reserve(static_cast<size_t>(view.Columns()));
        for (int c = 0; c < view.Columns(); ++c) row.push_back(view.Value(c));
        rows.push_back(std::move(row));
        return Status::Ok();
      },
      /*stream=*/false);
  if (!status.ok()) return Error(status);
  return rows;
}

Result<int64_t> PostgresConnection::Execute(std::string_view sql,
                                            const std::vector<SqlValue>& args) {
  int64_t changed = 0;
  Status status = Run(
      sql, args, [](const PostgresRow&) { return Status::Ok(); }, /*stream=*/false, &changed);
  if (!status.ok()) return Error(status);
  return changed;
}

Status PostgresConnection::Exec(std::string_view script) {
  std::string text(script);
  ResultPtr result(PQexec(conn_, text.c_str()));
  ExecStatusType kind = PQresultStatus(result.get());
  if (result &&
      (kind == PGRES_COMMAND_OK || kind == PGRES_TUPLES_OK || kind == PGRES_EMPTY_QUERY)) {
    return Status::Ok();
  }
  std::string head = text.substr(0, 60);
  for (char& c : head) {
    if (c == '\n') c = ' ';
  }
  return Failure(fmt::format("script `{}{}`", head, text.size() > 60 ? "..." : ""), result.get());
}

}  // namespace liverec::metadata
