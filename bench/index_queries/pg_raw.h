// PgRaw: a plain libpq connection for what the repositories do not offer: the bulk load by COPY
// (dataset_postgres.cc), EXPLAIN and the server-side statistics of the benchmark. Any failure
// ends the process with the message. Thread-safety: none (one user at a time).
#pragma once

#include <libpq-fe.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "metadata/postgres/postgres_url.h"

namespace liverec::bench {

class PgRaw {
 public:
  static constexpr size_t kCopyChunk = 1 << 20;
  explicit PgRaw(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      Fail(metadata::MaskDatabaseUrl(url) + ": " + PQerrorMessage(conn_));
    }
  }
  ~PgRaw() { PQfinish(conn_); }
  PgRaw(const PgRaw&) = delete;
  PgRaw& operator=(const PgRaw&) = delete;

  void Exec(const std::string& sql) {
    PGresult* result = PQexec(conn_, sql.c_str());
    ExecStatusType status = PQresultStatus(result);
    PQclear(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      Fail("SQL `" + sql + "`: " + PQerrorMessage(conn_));
    }
  }
  // The rows of `sql`, each column as text.
  std::vector<std::vector<std::string>> Rows(const std::string& sql) {
    PGresult* result = PQexec(conn_, sql.c_str());
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
      PQclear(result);
      Fail("SQL `" + sql + "`: " + PQerrorMessage(conn_));
    }
    std::vector<std::vector<std::string>> rows(static_cast<size_t>(PQntuples(result)));
    for (int r = 0; r < PQntuples(result); ++r) {
      for (int c = 0; c < PQnfields(result); ++c) rows[r].emplace_back(PQgetvalue(result, r, c));
    }
    PQclear(result);
    return rows;
  }
  // Runs `sql` and returns how many rows it gave, copying nothing (for timings).
  int64_t CountRows(const std::string& sql) {
    PGresult* result = PQexec(conn_, sql.c_str());
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
      PQclear(result);
      Fail("SQL `" + sql + "`: " + PQerrorMessage(conn_));
    }
    int64_t rows = PQntuples(result);
    PQclear(result);
    return rows;
  }
  // COPY ... FROM STDIN: `produce` appends rows (text format) to its buffer and returns false at
  // the end; the buffer is sent whenever it passes kCopyChunk.
  void Copy(const std::string& sql, const std::function<bool(std::string&)>& produce) {
    PGresult* result = PQexec(conn_, sql.c_str());
    bool ok = PQresultStatus(result) == PGRES_COPY_IN;
    PQclear(result);
    if (!ok) Fail("SQL `" + sql + "`: " + PQerrorMessage(conn_));
    std::string buffer;
    buffer.reserve(2 * kCopyChunk);
    bool more = true;
    while (more) {
      more = produce(buffer);
      if (buffer.size() >= kCopyChunk || !more) {
        if (PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) != 1) {
          Fail(std::string("COPY: ") + PQerrorMessage(conn_));
        }
        buffer.clear();
      }
    }
    if (PQputCopyEnd(conn_, nullptr) != 1) Fail(std::string("COPY end: ") + PQerrorMessage(conn_));
    while ((result = PQgetResult(conn_)) != nullptr) {
      ok = PQresultStatus(result) == PGRES_COMMAND_OK;
      PQclear(result);
      if (!ok) Fail("SQL `" + sql + "`: " + PQerrorMessage(conn_));
    }
  }

 private:
  [[noreturn]] static void Fail(const std::string& what) {
    fmt::print(stderr, "index_queries_bench: {}\n", what);
    std::exit(1);
  }
  PGconn* conn_;
};

}  // namespace liverec::bench
