#include "metadata/postgres/postgres_database.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "metadata/postgres/postgres_url.h"

namespace liverec::metadata {
namespace {

// SQLSTATEs after which a transaction is run again: serialization_failure, deadlock_detected.
bool IsRetryable(const std::string& sqlstate) { return sqlstate == "40001" || sqlstate == "40P01"; }

}  // namespace

// A connection taken from the pool, given back when the lease ends.
class PostgresDatabase::Lease {
 public:
  Lease(PostgresDatabase* db, std::unique_ptr<PostgresConnection> conn)
      : db_(db), conn_(std::move(conn)) {}
  Lease(Lease&& other) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  ~Lease() {
    if (conn_) db_->Release(std::move(conn_));
  }
  PostgresConnection* operator->() { return conn_.get(); }
  PostgresConnection& operator*() { return *conn_; }

 private:
  PostgresDatabase* db_;
  std::unique_ptr<PostgresConnection> conn_;
};

// The statements of one transaction, all on its connection. QueryEach reads the whole result
// first, so a row callback may run further statements in the same transaction.
class PostgresDatabase::TransactionSession final : public SqlSession {
 public:
  explicit TransactionSession(PostgresConnection& conn) : conn_(conn) {}
  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& args) override {
    return conn_.Query(sql, args);
  }
  Result<int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& args) override {
    return conn_.Execute(sql, args);
  }
  Status QueryEach(std::string_view sql, const std::vector<SqlValue>& args,
                   const SqlRowCallback& on_row) override {
    return conn_.Run(sql, args, on_row, /*stream=*/false);
  }

 private:
  PostgresConnection& conn_;
};

PostgresDatabase::PostgresDatabase(PostgresOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock) {}

PostgresDatabase::~PostgresDatabase() = default;

Result<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(const PostgresOptions& options,
                                                                 const Clock& clock) {
  if (!IsPostgresUrl(options.url)) {
    return Error(ErrorCode::kInvalidConfiguration, "",
                 "a PostgreSQL URL starts with postgresql:// or postgres://");
  }
  if (options.pool_size < 1) {
    return Error(ErrorCode::kInvalidConfiguration, "", "the pool needs at least 1 connection");
  }
  auto first = PostgresConnection::Connect(options.url);
  if (!first) return Error(first.error());
  int version = (*first)->ServerVersion();
  if (version < kMinServerVersion) {
    return Error(ErrorCode::kInvalidConfiguration, "",
                 fmt::format("PostgreSQL at {} is version {}.{}; liverec needs 11 or newer",
                             MaskDatabaseUrl(options.url), version / 10000, version % 10000));
  }
  std::unique_ptr<PostgresDatabase> db(new PostgresDatabase(options, clock));
  db->idle_.push_back(std::move(*first));
  db->open_ = 1;
  return db;
}

Result<std::unique_ptr<PostgresConnection>> PostgresDatabase::Connect() {
  {
    std::lock_guard lock(mutex_);
    int64_t now = clock_.NowMs();
    if (backoff_ms_ > 0 && now < next_attempt_ms_) {
      return Error(ErrorCode::kServiceUnavailable, "",
                   fmt::format("PostgreSQL unreachable, next attempt in {} ms: {}",
                               next_attempt_ms_ - now, last_failure_));
    }
  }
  auto made = PostgresConnection::Connect(options_.url);
  std::lock_guard lock(mutex_);
  if (made) {
    backoff_ms_ = 0;
    return made;
  }
  backoff_ms_ = backoff_ms_ == 0 ? options_.min_backoff_ms
                                 : std::min(2 * backoff_ms_, options_.max_backoff_ms);
  next_attempt_ms_ = clock_.NowMs() + backoff_ms_;
  last_failure_ = made.error().detail();
  return made;
}

Result<PostgresDatabase::Lease> PostgresDatabase::Acquire() {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.acquire_timeout_ms);
  std::unique_lock lock(mutex_);
  while (true) {
    while (!idle_.empty()) {
      std::unique_ptr<PostgresConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      lock.unlock();
      if (conn->CheckAlive()) return Lease(this, std::move(conn));
      conn.reset();  // closed by the server while idle: replaced below
      lock.lock();
      --open_;
    }
    if (open_ < options_.pool_size) {
      ++open_;
      lock.unlock();
      auto made = Connect();
      if (made) return Lease(this, std::move(*made));
      lock.lock();
      --open_;
      released_.notify_one();
      return Error(made.error());
    }
    if (released_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.pool_size) {
      return Error(ErrorCode::kServiceUnavailable, "",
                   fmt::format("all {} PostgreSQL connections stayed busy for {} ms",
                               options_.pool_size, options_.acquire_timeout_ms));
    }
  }
}

void PostgresDatabase::Release(std::unique_ptr<PostgresConnection> conn) {
  if (!conn->Broken() && conn->InTransactionBlock()) (void)conn->Exec("ROLLBACK");
  std::unique_ptr<PostgresConnection> closing;
  {
    std::lock_guard lock(mutex_);
    if (conn->Broken()) {
      closing = std::move(conn);
      --open_;
    } else {
      idle_.push_back(std::move(conn));
    }
  }
  released_.notify_one();
}

int PostgresDatabase::OpenConnectionsForTest() {
  std::lock_guard lock(mutex_);
  return open_;
}

Result<std::vector<SqlRow>> PostgresDatabase::Query(std::string_view sql,
                                                    const std::vector<SqlValue>& args) {
  auto lease = Acquire();
  if (!lease) return Error(lease.error());
  return (*lease)->Query(sql, args);
}

Status PostgresDatabase::QueryEach(std::string_view sql, const std::vector<SqlValue>& args,
                                   const SqlRowCallback& on_row) {
  auto lease = Acquire();
  if (!lease) return lease.error();
  return (*lease)->Run(sql, args, on_row, /*stream=*/true);
}

Result<int64_t> PostgresDatabase::Execute(std::string_view sql, const std::vector<SqlValue>& args) {
  auto lease = Acquire();
  if (!lease) return Error(lease.error());
  return (*lease)->Execute(sql, args);
}

Status PostgresDatabase::ExecuteScript(std::string_view sql) {
  auto lease = Acquire();
  if (!lease) return lease.error();
  return (*lease)->Exec(sql);
}

Status PostgresDatabase::RunTransaction(PostgresConnection& conn,
                                        const std::function<Status(SqlSession&)>& body) {
  conn.ClearFirstFailure();
  LIVEREC_RETURN_IF_ERROR(conn.Exec("BEGIN ISOLATION LEVEL SERIALIZABLE"));
  TransactionSession session(conn);
  Status status = body(session);
  if (status.ok() && conn.TransactionFailed()) {
    status = Status(ErrorCode::kInternalError, "",
                    "a statement of the transaction failed, so it was rolled back");
  }
  if (!status.ok()) {
    if (!conn.Broken()) (void)conn.Exec("ROLLBACK");
    return status;
  }
  return conn.Exec("COMMIT");
}

Status PostgresDatabase::InTransaction(const std::function<Status(SqlSession&)>& body) {
  for (int attempt = 1;; ++attempt) {
    auto lease = Acquire();
    if (!lease) return lease.error();
    Status status = RunTransaction(**lease, body);
    if (status.ok() || !IsRetryable((*lease)->first_failure_sqlstate())) return status;
    if (attempt == kTransactionAttempts) {
      return status.WithContext(fmt::format("after {} attempts", attempt));
    }
  }
}

Status PostgresDatabase::WithAdvisoryLock(int64_t key, const std::function<Status()>& body) {
  // A connection of its own, outside the pool: the body may need every pooled one.
  auto conn = PostgresConnection::Connect(options_.url);
  if (!conn) return conn.error();
  auto locked = (*conn)->Query("SELECT pg_advisory_lock(?)", {key});
  if (!locked) return locked.error().WithContext("advisory lock");
  Status status = body();
  (void)(*conn)->Query("SELECT pg_advisory_unlock(?)", {key});
  return status;
}

Result<bool> PostgresDatabase::TryLockKey(int64_t key) {
  std::lock_guard lock(lock_mutex_);
  if (held_keys_.contains(key)) return false;  // session locks are reentrant: refuse here
  if (lock_conn_ && !lock_conn_->CheckAlive()) {
    lock_conn_.reset();  // the locks held on it went with it
  }
  if (!lock_conn_) {
    auto conn = PostgresConnection::Connect(options_.url);
    if (!conn) return Error(conn.error().WithContext("advisory lock"));
    lock_conn_ = std::move(*conn);
  }
  auto locked = lock_conn_->Query("SELECT pg_try_advisory_lock(?)", {key});
  if (!locked) return Error(locked.error().WithContext("advisory lock"));
  if (AsInt(locked->at(0).at(0)) == 0) return false;
  held_keys_.insert(key);
  return true;
}

Result<bool> PostgresDatabase::TryWithAdvisoryLock(int64_t key,
                                                   const std::function<Status()>& body) {
  auto locked = TryLockKey(key);
  if (!locked || !*locked) return locked;
  Status status = body();
  {
    std::lock_guard lock(lock_mutex_);
    held_keys_.erase(key);
    // A connection lost meanwhile took the lock with it (a new one does not hold it).
    if (lock_conn_ && !lock_conn_->Broken()) {
      (void)lock_conn_->Query("SELECT pg_advisory_unlock(?)", {key});
    }
  }
  if (!status.ok()) return Error(status);
  return true;
}

}  // namespace liverec::metadata
