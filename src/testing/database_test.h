// DatabaseTest: the fixture of suites that run on both backends. Each test gets a new migrated
// database of its parameter's backend (TestDatabase), a FakeClock and a random source:
//
//   class FooRepositoryTest : public liverec::testing::DatabaseTest {};
//   TEST_P(FooRepositoryTest, ...) { FooRepository repo(*db_); ... }
//   LIVEREC_ON_BOTH_BACKENDS(FooRepositoryTest);
//
// CTest names the cases <layer>.Backends/FooRepositoryTest.<Test>/Sqlite and .../Postgres.
// A database that cannot be made (no PostgreSQL server) fails the test.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "base/clock.h"
#include "base/random.h"
#include "testing/test_database.h"

namespace liverec::testing {

class DatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  static constexpr int64_t kStartMs = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

  void SetUp() override {
    auto made = migrate_ ? TestDatabase::CreateMigrated(GetParam(), clock_)
                         : TestDatabase::Create(GetParam(), clock_);
    ASSERT_TRUE(made.has_value()) << made.error().ToString();
    database_ = std::move(*made);
    db_ = &database_->db();
  }

  Backend backend() const { return GetParam(); }

  bool migrate_ = true;  // false (in a constructor): SetUp makes an empty database
  FakeClock clock_{kStartMs};
  OsRandom random_;
  std::unique_ptr<TestDatabase> database_;
  metadata::SqlDatabase* db_ = nullptr;  // database_->db()
};

// The test name suffix: Sqlite or Postgres.
struct BackendParamName {
  std::string operator()(const ::testing::TestParamInfo<Backend>& info) const {
    return BackendName(info.param);
  }
};

}  // namespace liverec::testing

// Instantiates the TEST_P tests of `suite` on SQLite and on PostgreSQL.
#define LIVEREC_ON_BOTH_BACKENDS(suite)                                               \
  INSTANTIATE_TEST_SUITE_P(Backends, suite,                                           \
                           ::testing::Values(::liverec::testing::Backend::kSqlite,    \
                                             ::liverec::testing::Backend::kPostgres), \
                           ::liverec::testing::BackendParamName())
