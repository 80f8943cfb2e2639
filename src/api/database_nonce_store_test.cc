#include "api/database_nonce_store.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "testing/test_database.h"

namespace liverec::api {
namespace {

constexpr int64_t kWindow = 15 * 60'000;
constexpr int64_t kNow = 1'767'225'600'000;

// Two nodes' stores over one database (the backends are covered by NonceRepository's suite).
class DatabaseNonceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::OpenMigratedSqlite(clock_);
    ASSERT_TRUE(db.has_value()) << db.error().ToString();
    db_ = std::move(*db);
    repo_ = std::make_unique<metadata::NonceRepository>(*db_, kWindow);
    ASSERT_TRUE(repo_->Prepare().ok());
    node1_ = std::make_unique<DatabaseNonceStore>(*repo_, 100, kWindow);
    node2_ = std::make_unique<DatabaseNonceStore>(*repo_, 100, kWindow);
  }

  FakeClock clock_{kNow};
  std::unique_ptr<metadata::SqlDatabase> db_;
  std::unique_ptr<metadata::NonceRepository> repo_;
  std::unique_ptr<DatabaseNonceStore> node1_, node2_;
};

TEST_F(DatabaseNonceStoreTest, ANonceAcceptedByOneNodeIsRefusedByTheOther) {
  EXPECT_TRUE(node1_->CheckAndRemember("AK", "n1", kNow, kNow).ok());
  EXPECT_EQ(node2_->CheckAndRemember("AK", "n1", kNow, kNow + 1000).PublicCode(),
            "SignatureNonceUsed");
  EXPECT_EQ(node1_->CheckAndRemember("AK", "n1", kNow, kNow + 1000).PublicCode(),
            "SignatureNonceUsed");
  EXPECT_TRUE(node2_->CheckAndRemember("AK2", "n1", kNow, kNow).ok());
  EXPECT_EQ(*repo_->CountForTest(), 2);
}

TEST_F(DatabaseNonceStoreTest, StoresAHashNotTheNonce) {
  ASSERT_TRUE(node1_->CheckAndRemember("AK", "secret-nonce", kNow, kNow).ok());
  auto rows = db_->Query("SELECT nonce_hash FROM signature_nonces");
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1u);
  std::string key = metadata::AsText(rows->front().at(0));
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(key.find("secret"), std::string::npos);
}

TEST_F(DatabaseNonceStoreTest, AReplayToTheSameNodeIsRefusedWithoutTheDatabase) {
  ASSERT_TRUE(node1_->CheckAndRemember("AK", "n1", kNow, kNow).ok());
  ASSERT_TRUE(db_->Execute("DELETE FROM signature_nonces").has_value());
  EXPECT_EQ(node1_->CheckAndRemember("AK", "n1", kNow, kNow).PublicCode(), "SignatureNonceUsed");
  // The other node asks the database, which no longer has the row.
  EXPECT_TRUE(node2_->CheckAndRemember("AK", "n1", kNow, kNow).ok());
}

TEST_F(DatabaseNonceStoreTest, ANonceIsForgottenOnceOutsideTheWindow) {
  ASSERT_TRUE(node1_->CheckAndRemember("AK", "n1", kNow, kNow).ok());
  int64_t later = kNow + kWindow + 60'000;
  EXPECT_TRUE(node1_->CheckAndRemember("AK", "n1", later, later).ok());
  EXPECT_EQ(node1_->LocalSizeForTest(), 1u);
}

TEST_F(DatabaseNonceStoreTest, RequestsBeforeTheFloorAreRefusedAsStale) {
  for (int minute = 0; minute < 3; ++minute) {
    int64_t at = kNow + minute * 60'000;
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(node1_->CheckAndRemember("AK", std::to_string(minute * 10 + i), at, at).ok());
    }
  }
  int64_t now = kNow + 3 * 60'000;
  auto pruned = repo_->Prune(now, 4);
  ASSERT_TRUE(pruned.has_value());
  ASSERT_TRUE(pruned->raised_floor_ms);
  EXPECT_EQ(node2_->CheckAndRemember("AK", "0", kNow, now).PublicCode(), "IllegalTimestamp");
  EXPECT_TRUE(node2_->CheckAndRemember("AK", "new", now, now).ok());
}

TEST_F(DatabaseNonceStoreTest, ADatabaseFailureRefusesTheRequestAndRemembersNothing) {
  ASSERT_TRUE(db_->Execute("ALTER TABLE signature_nonces RENAME TO moved").has_value());
  Status failed = node1_->CheckAndRemember("AK", "n1", kNow, kNow);
  EXPECT_FALSE(failed.ok());
  EXPECT_NE(failed.PublicCode(), "SignatureNonceUsed");
  EXPECT_EQ(node1_->LocalSizeForTest(), 0u);
  ASSERT_TRUE(db_->Execute("ALTER TABLE moved RENAME TO signature_nonces").has_value());
  EXPECT_TRUE(node1_->CheckAndRemember("AK", "n1", kNow, kNow).ok());
}

TEST_F(DatabaseNonceStoreTest, TheLocalLayerStaysWithinItsCapacity) {
  DatabaseNonceStore small(*repo_, 5, kWindow);
  for (int minute = 0; minute < 4; ++minute) {
    int64_t at = kNow + minute * 60'000;
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(small.CheckAndRemember("AK", std::to_string(minute * 10 + i), at, at).ok());
    }
  }
  EXPECT_LE(small.LocalSizeForTest(), 5u);
  // A nonce the local layer dropped is still refused: the database has it.
  EXPECT_EQ(small.CheckAndRemember("AK", "0", kNow, kNow + 4 * 60'000).PublicCode(),
            "SignatureNonceUsed");
}

}  // namespace
}  // namespace liverec::api
