#include "metadata/postgres/postgres_database.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <thread>

#include "metadata/migrations.h"
#include "metadata/postgres/postgres_url.h"
#include "testing/test_database.h"

namespace liverec::metadata {
namespace {

using testing::Backend;
using testing::TestDatabase;

// What PostgreSQL-only behaviour needs: a database of its own on the test server, and
// PostgresDatabase objects opened on it with the options a test chooses.
class PostgresDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = TestDatabase::Create(Backend::kPostgres, clock_);
    ASSERT_TRUE(made.has_value()) << made.error().ToString();
    database_ = std::move(*made);
  }

  std::unique_ptr<PostgresDatabase> Open(int pool_size = 4, int64_t acquire_timeout_ms = 10'000) {
    PostgresOptions options;
    options.url = database_->url();
    options.pool_size = pool_size;
    options.acquire_timeout_ms = acquire_timeout_ms;
    auto db = PostgresDatabase::Open(options, clock_);
    EXPECT_TRUE(db.has_value()) << db.error().ToString();
    return db ? std::move(*db) : nullptr;
  }

  // Ends every connection to the database under test, waiting until they are gone.
  void TerminateConnections() {
    ASSERT_TRUE(database_
                    ->Admin(fmt::format("SELECT pg_terminate_backend(pid, 10000) FROM "
                                        "pg_stat_activity WHERE datname = '{}'",
                                        database_->name()))
                    .ok());
  }

  Status OpenWithUrl(const std::string& url) {
    PostgresOptions options;
    options.url = url;
    auto db = PostgresDatabase::Open(options, clock_);
    return db ? Status::Ok() : db.error();
  }

  FakeClock clock_{1'767'225'600'000};
  std::unique_ptr<TestDatabase> database_;
};

TEST_F(PostgresDatabaseTest, StartUpErrorsSayWhatIsWrongWithoutThePassword) {
  std::string url = database_->url();  // postgresql://postgres:<password>@127.0.0.1:<port>/<db>
  std::string wrong_password = url;
  wrong_password.replace(url.find(':', 13) + 1, url.find('@') - url.find(':', 13) - 1, "n0tIt");
  Status status = OpenWithUrl(wrong_password);
  EXPECT_EQ(status.code(), ErrorCode::kServiceUnavailable);
  EXPECT_NE(status.detail().find("password authentication failed"), std::string::npos)
      << status.ToString();
  EXPECT_NE(status.detail().find("postgres:***@127.0.0.1"), std::string::npos) << status.detail();
  EXPECT_EQ(status.detail().find("n0tIt"), std::string::npos) << status.detail();

  status = OpenWithUrl(WithDatabaseName(url, "no_such_database"));
  EXPECT_NE(status.detail().find("database \"no_such_database\" does not exist"), std::string::npos)
      << status.ToString();

  status = OpenWithUrl("postgresql://postgres@127.0.0.1:1/liverec");  // nothing listens there
  EXPECT_NE(status.detail().find("Connection refused"), std::string::npos) << status.ToString();

  status = OpenWithUrl("postgresql://postgres@127.0.0.1:notaport/liverec");
  EXPECT_NE(status.detail().find("notaport"), std::string::npos) << status.ToString();

  status = OpenWithUrl("mysql://root@127.0.0.1/liverec");
  EXPECT_EQ(status.code(), ErrorCode::kInvalidConfiguration);
}

TEST_F(PostgresDatabaseTest, SeveralNodesMigratingTogetherApplyEachMigrationOnce) {
  constexpr int kNodes = 4;
  std::vector<std::unique_ptr<PostgresDatabase>> nodes;
  for (int i = 0; i < kNodes; ++i) nodes.push_back(Open());
  std::vector<Status> results(kNodes);
  std::latch start(kNodes);
  std::vector<std::thread> threads;
  for (int i = 0; i < kNodes; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = ApplyMigrations(*nodes[i], clock_);
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& result : results) EXPECT_TRUE(result.ok()) << result.ToString();
  auto rows = nodes[0]->Query(
      "SELECT COUNT(*), COUNT(DISTINCT version), MAX(version) FROM schema_migrations", {});
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  int64_t latest = AllMigrations().back().version;
  EXPECT_EQ(AsInt(rows->at(0).at(0)), static_cast<int64_t>(AllMigrations().size()));
  EXPECT_EQ(AsInt(rows->at(0).at(1)), static_cast<int64_t>(AllMigrations().size()));
  EXPECT_EQ(AsInt(rows->at(0).at(2)), latest);
}

TEST_F(PostgresDatabaseTest, AConnectionTheServerClosedWhileIdleIsReplacedBeforeUse) {
  auto db = Open();
  ASSERT_TRUE(db->Query("SELECT 1", {}).has_value());
  TerminateConnections();
  auto rows = db->Query("SELECT 2", {});
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  EXPECT_EQ(AsInt(rows->at(0).at(0)), 2);
}

TEST_F(PostgresDatabaseTest, AStatementInFlightWhenItsConnectionGoesFailsClearly) {
  auto db = Open();
  Result<std::vector<SqlRow>> slow = std::vector<SqlRow>{};
  std::thread query([&] { slow = db->Query("SELECT pg_sleep(30)", {}); });
  // Wait (bounded) until the statement runs, then end its connection.
  auto watcher = Open();
  bool running = false;
  for (int i = 0; i < 500 && !running; ++i) {
    auto seen = watcher->Query(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = ? AND query LIKE 'SELECT pg_sleep%'",
        {database_->name()});
    running = seen && AsInt(seen->at(0).at(0)) == 1;
    if (!running) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(running);
  TerminateConnections();
  query.join();
  ASSERT_FALSE(slow.has_value());
  EXPECT_EQ(slow.error().code(), ErrorCode::kServiceUnavailable);
  EXPECT_NE(slow.error().detail().find("lost the connection to PostgreSQL"), std::string::npos)
      << slow.error().ToString();
  EXPECT_TRUE(db->Query("SELECT 1", {}).has_value());  // and the next one reconnects
}

TEST_F(PostgresDatabaseTest, ATransactionCutOffByALostConnectionWritesNothing) {
  auto db = Open();
  ASSERT_TRUE(db->ExecuteScript("CREATE TABLE t (v BIGINT)").ok());
  Status status = db->InTransaction([&](SqlSession& session) -> Status {
    auto inserted = session.Execute("INSERT INTO t VALUES (?)", {int64_t{1}});
    if (!inserted) return inserted.error();
    TerminateConnections();  // the server goes away in the middle of the transaction
    auto again = session.Execute("INSERT INTO t VALUES (?)", {int64_t{2}});
    return again ? Status::Ok() : again.error();
  });
  EXPECT_EQ(status.code(), ErrorCode::kServiceUnavailable) << status.ToString();
  auto rows = db->Query("SELECT COUNT(*) FROM t", {});
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  EXPECT_EQ(AsInt(rows->at(0).at(0)), 0);
}

TEST_F(PostgresDatabaseTest, ReconnectingBacksOffAndRecovers) {
  auto db = Open();
  std::string name = database_->name();
  ASSERT_TRUE(database_->Admin("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false").ok());
  TerminateConnections();
  auto first = db->Query("SELECT 1", {});
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().code(), ErrorCode::kServiceUnavailable);
  EXPECT_NE(first.error().detail().find("not currently accepting connections"), std::string::npos)
      << first.error().ToString();
  // Within the backoff period no attempt is made: the last reason comes back at once.
  auto waiting = db->Query("SELECT 1", {});
  ASSERT_FALSE(waiting.has_value());
  EXPECT_NE(waiting.error().detail().find("next attempt in 100 ms"), std::string::npos)
      << waiting.error().ToString();
  clock_.AdvanceMs(100);  // tried again, failed again: the period doubles
  ASSERT_FALSE(db->Query("SELECT 1", {}).has_value());
  waiting = db->Query("SELECT 1", {});
  EXPECT_NE(waiting.error().detail().find("next attempt in 200 ms"), std::string::npos)
      << waiting.error().ToString();
  ASSERT_TRUE(database_->Admin("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true").ok());
  clock_.AdvanceMs(199);
  EXPECT_FALSE(db->Query("SELECT 1", {}).has_value());
  clock_.AdvanceMs(1);
  auto back = db->Query("SELECT 1", {});
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
}

TEST_F(PostgresDatabaseTest, ATransactionThatLostASerializationConflictRunsAgain) {
  auto db = Open();
  ASSERT_TRUE(
      db->ExecuteScript("CREATE TABLE counter (v BIGINT); INSERT INTO counter VALUES (0)").ok());
  // Both transactions read 0 before either writes; the second to write must run again.
  std::latch both_read(2);
  std::atomic<int> bodies{0};
  auto increment = [&] {
    bool first_run = true;
    return db->InTransaction([&](SqlSession& session) -> Status {
      ++bodies;
      auto rows = session.Query("SELECT v FROM counter", {});
      if (!rows) return rows.error();
      if (first_run) both_read.arrive_and_wait();
      first_run = false;
      auto r = session.Execute("UPDATE counter SET v = ?", {AsInt(rows->at(0).at(0)) + 1});
      return r ? Status::Ok() : r.error();
    });
  };
  Status a, b;
  std::thread ta([&] { a = increment(); });
  std::thread tb([&] { b = increment(); });
  ta.join();
  tb.join();
  EXPECT_TRUE(a.ok()) << a.ToString();
  EXPECT_TRUE(b.ok()) << b.ToString();
  EXPECT_EQ(AsInt(db->Query("SELECT v FROM counter", {})->at(0).at(0)), 2);
  EXPECT_EQ(bodies.load(), 3);
}

TEST_F(PostgresDatabaseTest, ThePoolIsBoundedAndAStarvedCallerGivesUp) {
  auto db = Open(/*pool_size=*/2, /*acquire_timeout_ms=*/200);
  Status inner;
  Status outer = db->QueryEach("SELECT 1", {}, [&](const SqlRowView&) {
    return db->QueryEach("SELECT 2", {}, [&](const SqlRowView&) {
      auto third = db->Query("SELECT 3", {});  // both connections are streaming
      inner = third ? Status::Ok() : third.error();
      return Status::Ok();
    });
  });
  EXPECT_TRUE(outer.ok()) << outer.ToString();
  EXPECT_EQ(inner.code(), ErrorCode::kServiceUnavailable);
  EXPECT_NE(inner.detail().find("all 2 PostgreSQL connections stayed busy"), std::string::npos)
      << inner.ToString();
  EXPECT_EQ(db->OpenConnectionsForTest(), 2);
  EXPECT_TRUE(db->Query("SELECT 4", {}).has_value());
}

TEST_F(PostgresDatabaseTest, MoreStatementTextsThanAConnectionPreparesStillRun) {
  auto db = Open(/*pool_size=*/1);
  for (int i = 0; i < 300; ++i) {  // the first 256 are prepared, the rest run unprepared
    auto rows = db->Query(fmt::format("SELECT ? + {}", i), {int64_t{1000}});
    ASSERT_TRUE(rows.has_value()) << i << ": " << rows.error().ToString();
    ASSERT_EQ(AsInt(rows->at(0).at(0)), 1000 + i);
  }
  auto again = db->Query("SELECT ? + 299", {int64_t{1}});  // an unprepared text, once more
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(AsInt(again->at(0).at(0)), 300);
}

TEST_F(PostgresDatabaseTest, ValuesKeepTheirTypesBothWays) {
  auto db = Open();
  auto rows = db->Query(
      "SELECT ?::BIGINT, ?::TEXT, CAST(? AS BIGINT) IS NULL, SUM(x::BIGINT), TRUE, 'é'"
      " FROM (VALUES (1), (2)) AS v (x)",
      {int64_t{-9'007'199'254'740'993}, std::string("it's \"quoted\""), SqlValue()});
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  const SqlRow& row = rows->at(0);
  EXPECT_EQ(std::get<int64_t>(row[0]), -9'007'199'254'740'993);
  EXPECT_EQ(std::get<std::string>(row[1]), "it's \"quoted\"");
  EXPECT_EQ(std::get<int64_t>(row[2]), 1);
  EXPECT_EQ(std::get<int64_t>(row[3]), 3);  // SUM of BIGINT is NUMERIC in PostgreSQL
  EXPECT_EQ(std::get<int64_t>(row[4]), 1);
  EXPECT_EQ(std::get<std::string>(row[5]), "é");
}

}  // namespace
}  // namespace liverec::metadata
