// Test support (not part of the library): a migrated in-memory SQLite database with two
// accounts, "a" and "b", for repository tests that check tenant scoping.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/random.h"
#include "metadata/migrations.h"
#include "metadata/sqlite/sqlite_database.h"
#include "metadata/tenant_repository.h"

namespace liverec::metadata {

class TwoAccountDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::Open(":memory:");
    ASSERT_TRUE(db.has_value()) << db.error().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(ApplyMigrations(*db_, clock_).ok());
    TenantRepository tenants(*db_, clock_, random_);
    account_a_ = tenants.EnsureAccount("a")->id;
    account_b_ = tenants.EnsureAccount("b")->id;
  }

  FakeClock clock_{1'767'225'600'000};
  OsRandom random_;
  std::unique_ptr<SqliteDatabase> db_;
  std::string account_a_, account_b_;
};

}  // namespace liverec::metadata
