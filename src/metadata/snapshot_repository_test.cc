#include "metadata/snapshot_repository.h"

#include <gtest/gtest.h>

#include "metadata/snapshot_config_repository.h"
#include "metadata/two_account_test_fixture.h"

namespace liverec::metadata {
namespace {

constexpr int64_t kT = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

class SnapshotRepositoryTest : public TwoAccountDatabaseTest {
 protected:
  void SetUp() override {
    TwoAccountDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    repo_ = std::make_unique<SnapshotRepository>(*db_);
    configs_ = std::make_unique<SnapshotConfigRepository>(*db_);
  }

  SnapshotRow Row(const std::string& object, int64_t at, bool overlay = false) {
    return SnapshotRow{
        account_a_, "live.example.com", "app", "cam", "local", "records", object, overlay, at};
  }
  SnapshotQuery Query(int64_t start, int64_t end, int64_t limit, bool ascending = true) {
    return SnapshotQuery{account_a_, "live.example.com", "app", "cam", start, end,
                         limit,      ascending};
  }
  static std::vector<std::string> Objects(const SnapshotPage& page) {
    std::vector<std::string> out;
    for (const auto& s : page.snapshots) out.push_back(s.oss_object);
    return out;
  }

  std::unique_ptr<SnapshotRepository> repo_;
  std::unique_ptr<SnapshotConfigRepository> configs_;
};

TEST_P(SnapshotRepositoryTest, PagesEndAtWholeSecondsSoNothingIsListedTwiceOrSkipped) {
  // One capture per 5 s, both modes: the overwrite object's row follows the latest capture.
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(repo_->Record(Row("seq/" + std::to_string(i) + ".jpg", kT + i * 5000 + 300)).ok());
    ASSERT_TRUE(repo_->Record(Row("latest.jpg", kT + i * 5000 + 300, true)).ok());
  }
  EXPECT_EQ(*repo_->CountSequence(account_a_, "live.example.com", "app", "cam"), 4);
  auto all = repo_->List(Query(kT, kT + 60'000, 100));
  ASSERT_TRUE(all.has_value()) << all.error().ToString();
  EXPECT_EQ(Objects(*all), (std::vector<std::string>{"seq/0.jpg", "seq/1.jpg", "seq/2.jpg",
                                                     "seq/3.jpg", "latest.jpg"}));
  EXPECT_FALSE(all->next_ms);

  auto first = repo_->List(Query(kT, kT + 60'000, 2));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(Objects(*first), (std::vector<std::string>{"seq/0.jpg", "seq/1.jpg"}));
  ASSERT_TRUE(first->next_ms);
  EXPECT_EQ(*first->next_ms, kT + 10'000);
  auto second = repo_->List(Query(*first->next_ms, kT + 60'000, 2));
  ASSERT_TRUE(second.has_value());
  // seq/3 and latest.jpg share a second: the page stops before it.
  EXPECT_EQ(Objects(*second), (std::vector<std::string>{"seq/2.jpg"}));
  ASSERT_TRUE(second->next_ms);
  auto third = repo_->List(Query(*second->next_ms, kT + 60'000, 2));
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(Objects(*third), (std::vector<std::string>{"seq/3.jpg", "latest.jpg"}));
  EXPECT_FALSE(third->next_ms);

  // Limit 1 with two snapshots in one second: that second is one page, then the rest.
  auto tight = repo_->List(Query(kT + 15'000, kT + 60'000, 1));
  ASSERT_TRUE(tight.has_value());
  EXPECT_EQ(Objects(*tight), (std::vector<std::string>{"seq/3.jpg", "latest.jpg"}));
  EXPECT_FALSE(tight->next_ms);

  auto newest = repo_->List(Query(kT, kT + 60'000, 2, /*ascending=*/false));
  ASSERT_TRUE(newest.has_value());
  EXPECT_EQ(Objects(*newest), (std::vector<std::string>{"latest.jpg", "seq/3.jpg"}));
  ASSERT_TRUE(newest->next_ms);
  EXPECT_EQ(*newest->next_ms, kT + 10'000);
  auto older = repo_->List(Query(kT, *newest->next_ms, 5, false));
  ASSERT_TRUE(older.has_value());
  EXPECT_EQ(Objects(*older), (std::vector<std::string>{"seq/2.jpg", "seq/1.jpg", "seq/0.jpg"}));
  EXPECT_FALSE(older->next_ms);
}

TEST_P(SnapshotRepositoryTest, EndTimeCountsItsWholeSecondAndOtherAccountsSeeNothing) {
  ASSERT_TRUE(repo_->Record(Row("a.jpg", kT + 999)).ok());
  auto page = repo_->List(Query(kT, kT, 10));
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(Objects(*page), std::vector<std::string>{"a.jpg"});
  auto q = Query(kT, kT + 1000, 10);
  q.account_id = account_b_;
  EXPECT_TRUE(repo_->List(q)->snapshots.empty());
  EXPECT_EQ(*repo_->PurgeBefore(kT + 1000), 1);
  EXPECT_TRUE(repo_->List(Query(kT, kT + 1000, 10))->snapshots.empty());
}

TEST_P(SnapshotRepositoryTest, ConfigsAreOnePerAppAndAStarConfigMatchesTheOthers) {
  SnapshotConfig c{
      account_a_, "live.example.com", "*", 5, "local", "records", "{AppName}.jpg", "", "", kT, kT};
  ASSERT_TRUE(configs_->Insert(c).ok());
  EXPECT_EQ(configs_->Insert(c).code(), ErrorCode::kConfigAlreadyExists);
  auto matched = configs_->Match(account_a_, "live.example.com", "news");
  ASSERT_TRUE(matched.has_value() && *matched);
  EXPECT_EQ((*matched)->app_name, "*");
  c.app_name = "news";
  c.time_interval_s = 60;
  ASSERT_TRUE(configs_->Insert(c).ok());
  EXPECT_EQ((*configs_->Match(account_a_, "live.example.com", "news"))->time_interval_s, 60);
  EXPECT_FALSE(*configs_->Match(account_b_, "live.example.com", "news"));
  c.callback = "http://127.0.0.1:9/cb";
  ASSERT_TRUE(configs_->Update(c).ok());
  EXPECT_EQ((*configs_->Find(account_a_, "live.example.com", "news"))->callback, c.callback);
  auto page = configs_->List(account_a_, "live.example.com", "", 1, 1, false);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->total, 2);
  ASSERT_EQ(page->configs.size(), 1u);
  EXPECT_EQ(page->configs[0].app_name, "news");
  ASSERT_TRUE(configs_->Delete(account_a_, "live.example.com", "news").ok());
  EXPECT_EQ(configs_->Delete(account_a_, "live.example.com", "news").code(),
            ErrorCode::kInvalidConfigNotFound);
  c.app_name = "other";
  EXPECT_EQ(configs_->Update(c).code(), ErrorCode::kInvalidConfigNotFound);
}

LIVEREC_ON_BOTH_BACKENDS(SnapshotRepositoryTest);

}  // namespace
}  // namespace liverec::metadata
