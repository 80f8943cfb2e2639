#include "server/health_check.h"

#include <gtest/gtest.h>

#include "metadata/sqlite/sqlite_database.h"
#include "testing/test_database.h"

namespace liverec::server {
namespace {

class HealthCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = liverec::testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
  }
  Status Check() { return HealthCheck(*db_, stopping_, &spool_, clock_).Check(); }

  FakeClock clock_{1'767'225'600'000};
  std::atomic<bool> stopping_{false};
  recorder::Spool spool_{"/tmp"};
  std::unique_ptr<metadata::SqlDatabase> db_;
};

TEST_F(HealthCheckTest, AServerWithAWorkingDatabaseAndSpoolIsHealthy) {
  EXPECT_TRUE(Check().ok()) << Check().ToString();
}

TEST_F(HealthCheckTest, ADatabaseThatCannotAnswerIsUnhealthy) {
  auto db = metadata::SqliteDatabase::Open(":memory:");  // no schema: the query fails
  ASSERT_TRUE(db);
  Status status = HealthCheck(**db, stopping_, nullptr, clock_).Check();
  EXPECT_EQ(status.code(), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(status.detail(), "database does not answer");
}

TEST_F(HealthCheckTest, ASpoolThatRefusedAWriteIsUnhealthyWithTheReason) {
  spool_.health().WriteFailed(clock_.NowMs(), "write spool file: No space left on device");
  Status status = Check();
  EXPECT_EQ(status.code(), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(status.detail(), "spool cannot write: write spool file: No space left on device");
}

TEST_F(HealthCheckTest, TheSpoolIsHealthyAgainOnceAWriteSucceeds) {
  spool_.health().WriteFailed(clock_.NowMs(), "No space left on device");
  clock_.AdvanceMs(1'000);
  spool_.health().WriteSucceeded(clock_.NowMs());
  EXPECT_TRUE(Check().ok()) << Check().ToString();
}

TEST_F(HealthCheckTest, ASpoolDirectoryThatCannotBeReadIsUnhealthy) {
  recorder::Spool missing("/nonexistent/liverec-spool");
  Status status = HealthCheck(*db_, stopping_, &missing, clock_).Check();
  EXPECT_EQ(status.code(), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(status.detail(), "spool cannot be read");
}

TEST_F(HealthCheckTest, ANodeWithoutItsMembershipLeaseIsUnhealthy) {
  cluster::Membership membership(*db_, clock_, "i1", {"n1", "h:1", "h:2", "v"}, 3000, {});
  auto check = [&] { return HealthCheck(*db_, stopping_, &spool_, clock_, &membership).Check(); };
  EXPECT_EQ(check().detail(), "cluster: not joined");
  ASSERT_TRUE(membership.Join([](int64_t) {}).ok());
  EXPECT_TRUE(check().ok()) << check().ToString();
  clock_.AdvanceMs(3000);
  Status lapsed = check();
  EXPECT_EQ(lapsed.code(), ErrorCode::kServiceUnavailable);
  EXPECT_TRUE(lapsed.detail().starts_with("cluster: node lease lapsed at 2026-01-01T00:00:03Z"))
      << lapsed.detail();
  membership.Beat();
  EXPECT_TRUE(check().ok()) << check().ToString();
}

TEST_F(HealthCheckTest, ShuttingDownComesFirst) {
  stopping_ = true;
  EXPECT_EQ(Check().detail(), "shutting down");
}

}  // namespace
}  // namespace liverec::server
