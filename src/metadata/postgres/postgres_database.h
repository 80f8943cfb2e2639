// PostgresDatabase: SqlDatabase over a bounded pool of libpq connections, for installations whose
// nodes share one PostgreSQL (docs/operations.md "Running on PostgreSQL").
//
// - Pool: at most `pool_size` connections, opened when needed and kept; a caller waits up to
//   `acquire_timeout_ms` for a free one (a row callback of QueryEach that queries again takes a
//   second one).
// - Statements: `?` placeholders become `$n`; each statement text is prepared once per
//   connection. QueryEach streams in single-row mode, so a long scan is never held whole.
// - Transactions: InTransaction runs on one connection, SERIALIZABLE (the guarantees of SQLite's
//   one writer at a time), and runs the body again when PostgreSQL reports a serialization
//   conflict or a deadlock (up to kTransactionAttempts times).
// - Failures: a connection the server closed while idle is noticed and replaced before use. A
//   statement in flight when its connection goes fails with ServiceUnavailable ("lost the
//   connection"); a transaction in flight is rolled back by the server, so nothing is half
//   written. New connections are tried at most once per backoff period (doubling from
//   `min_backoff_ms` to `max_backoff_ms`, by the Clock); in between, callers fail at once with
//   ServiceUnavailable and the last reason.
// Thread-safety: any thread; a transaction's session belongs to the thread running its body.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "metadata/postgres/postgres_connection.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

struct PostgresOptions {
  std::string url;  // postgresql://user:password@host:port/dbname?sslmode=...
  int pool_size = 8;
  int64_t acquire_timeout_ms = 30'000;
  int64_t min_backoff_ms = 100;
  int64_t max_backoff_ms = 10'000;
};

class PostgresDatabase final : public SqlDatabase {
 public:
  static constexpr int kTransactionAttempts = 10;
  static constexpr int kMinServerVersion = 110000;  // covering indexes (INCLUDE)

  // Connects once to check the URL, the credentials, the database and the server version; the
  // error says which failed, with the URL's password masked.
  static Result<std::unique_ptr<PostgresDatabase>> Open(const PostgresOptions& options,
                                                        const Clock& clock);
  ~PostgresDatabase() override;

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& args) override;
  Status QueryEach(std::string_view sql, const std::vector<SqlValue>& args,
                   const SqlRowCallback& on_row) override;
  Result<int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& args) override;
  Status InTransaction(const std::function<Status(SqlSession&)>& body) override;
  Status ExecuteScript(std::string_view sql) override;
  Status WithAdvisoryLock(int64_t key, const std::function<Status()>& body) override;
  Result<bool> TryWithAdvisoryLock(int64_t key, const std::function<Status()>& body) override;
  std::string_view Dialect() const override { return "postgres"; }

  // Connections open now (idle and in use), for tests.
  int OpenConnectionsForTest();

 private:
  class Lease;
  class TransactionSession;
  PostgresDatabase(PostgresOptions options, const Clock& clock);
  Result<Lease> Acquire();
  void Release(std::unique_ptr<PostgresConnection> conn);
  // A new connection, unless the last attempt failed less than a backoff period ago.
  Result<std::unique_ptr<PostgresConnection>> Connect();
  Status RunTransaction(PostgresConnection& conn, const std::function<Status(SqlSession&)>& body);
  // TryWithAdvisoryLock's first half: takes `key` on the lock connection (opened when needed).
  Result<bool> TryLockKey(int64_t key);

  const PostgresOptions options_;
  const Clock& clock_;
  std::mutex mutex_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_;
  int open_ = 0;  // idle + leased + being opened
  // Reconnection backoff, after a failed attempt.
  int64_t backoff_ms_ = 0;
  int64_t next_attempt_ms_ = 0;
  std::string last_failure_;
  // TryWithAdvisoryLock: a connection outside the pool that holds the session advisory locks,
  // and the keys held on it now.
  std::mutex lock_mutex_;
  std::unique_ptr<PostgresConnection> lock_conn_;
  std::set<int64_t> held_keys_;
};

}  // namespace liverec::metadata
