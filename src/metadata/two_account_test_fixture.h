// Test support (not part of the library): a migrated database of the test's backend (SQLite or
// PostgreSQL, testing::DatabaseTest) with two accounts, "a" and "b", for repository tests that
// check tenant scoping.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "metadata/tenant_repository.h"
#include "testing/database_test.h"

namespace liverec::metadata {

class TwoAccountDatabaseTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    TenantRepository tenants(*db_, clock_, random_);
    account_a_ = tenants.EnsureAccount("a")->id;
    account_b_ = tenants.EnsureAccount("b")->id;
  }

  std::string account_a_, account_b_;
};

}  // namespace liverec::metadata
