#include "metadata/stream_block_repository.h"

#include <gtest/gtest.h>

#include "metadata/two_account_test_fixture.h"

namespace liverec::metadata {
namespace {

class StreamBlockRepositoryTest : public TwoAccountDatabaseTest {
 protected:
  void SetUp() override {
    TwoAccountDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    repo_ = std::make_unique<StreamBlockRepository>(*db_, 3);
  }

  StreamBlock Make(const std::string& account, const std::string& stream, int64_t resume_at = 0) {
    return StreamBlock{account, "live.example.com", "app", stream, resume_at, 0};
  }
  bool Blocked(const std::string& account, const std::string& stream) {
    auto found = repo_->Find(account, "live.example.com", "app", stream, clock_.NowMs());
    EXPECT_TRUE(found.has_value());
    return found && found->has_value();
  }

  std::unique_ptr<StreamBlockRepository> repo_;
};

TEST_P(StreamBlockRepositoryTest, ABlockHoldsUntilItsResumeTimeOrAnUnblock) {
  int64_t now = clock_.NowMs();
  ASSERT_TRUE(repo_->Block(Make(account_a_, "s1", now + 60'000), now).ok());
  ASSERT_TRUE(repo_->Block(Make(account_a_, "s2"), now).ok());
  EXPECT_TRUE(Blocked(account_a_, "s1"));
  EXPECT_TRUE(Blocked(account_a_, "s2"));
  EXPECT_FALSE(Blocked(account_a_, "s3"));
  EXPECT_FALSE(Blocked(account_b_, "s1")) << "another account's stream of the same name";
  auto found = repo_->Find(account_a_, "live.example.com", "app", "s1", now);
  EXPECT_EQ((*found)->resume_at_ms, now + 60'000);
  EXPECT_EQ((*found)->created_at_ms, now);
  clock_.AdvanceMs(60'000);
  EXPECT_FALSE(Blocked(account_a_, "s1")) << "its resume time came";
  EXPECT_TRUE(Blocked(account_a_, "s2")) << "no resume time: until unblocked";
  EXPECT_EQ(repo_->Unblock(account_a_, "live.example.com", "app", "s1", clock_.NowMs()).value(),
            false);
  EXPECT_EQ(repo_->Unblock(account_b_, "live.example.com", "app", "s2", clock_.NowMs()).value(),
            false);
  EXPECT_TRUE(Blocked(account_a_, "s2")) << "b cannot lift a's block";
  EXPECT_EQ(repo_->Unblock(account_a_, "live.example.com", "app", "s2", clock_.NowMs()).value(),
            true);
  EXPECT_FALSE(Blocked(account_a_, "s2"));
}

TEST_P(StreamBlockRepositoryTest, BlockingAgainReplacesTheResumeTime) {
  int64_t now = clock_.NowMs();
  ASSERT_TRUE(repo_->Block(Make(account_a_, "s1", now + 1000), now).ok());
  ASSERT_TRUE(repo_->Block(Make(account_a_, "s1"), now).ok());
  clock_.AdvanceMs(5000);
  EXPECT_TRUE(Blocked(account_a_, "s1"));
  auto page = repo_->List(account_a_, "live.example.com", 1, 10, clock_.NowMs());
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->total, 1);
}

TEST_P(StreamBlockRepositoryTest, TheQuotaCountsLiveBlocksOfTheAccountOnly) {
  int64_t now = clock_.NowMs();
  ASSERT_TRUE(repo_->Block(Make(account_a_, "s1", now + 1000), now).ok());
  ASSERT_TRUE(repo_->Block(Make(account_a_, "s2"), now).ok());
  ASSERT_TRUE(repo_->Block(Make(account_a_, "s3"), now).ok());
  Status refused = repo_->Block(Make(account_a_, "s4"), now);
  EXPECT_EQ(refused.PublicCode(), "QuotaExceeded.BlockList");
  EXPECT_TRUE(repo_->Block(Make(account_a_, "s3", now + 5000), now).ok()) << "a replacement";
  EXPECT_TRUE(repo_->Block(Make(account_b_, "s4"), now).ok()) << "b's quota is its own";
  clock_.AdvanceMs(1000);  // s1's block lapsed: its place is free
  EXPECT_TRUE(repo_->Block(Make(account_a_, "s4"), clock_.NowMs()).ok());
}

TEST_P(StreamBlockRepositoryTest, ListPagesTheDomainsLiveBlocksByAppAndStream) {
  int64_t now = clock_.NowMs();
  auto repo = StreamBlockRepository(*db_, 100);
  for (const char* s : {"c", "a", "b", "d"}) ASSERT_TRUE(repo.Block(Make(account_a_, s), now).ok());
  ASSERT_TRUE(repo.Block(Make(account_a_, "e", now + 10), now).ok());
  StreamBlock other = Make(account_a_, "z");
  other.domain_name = "other.example.com";
  ASSERT_TRUE(repo.Block(other, now).ok());
  clock_.AdvanceMs(10);  // "e" lapsed
  auto first = repo.List(account_a_, "live.example.com", 1, 3, clock_.NowMs());
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_EQ(first->total, 4);
  ASSERT_EQ(first->blocks.size(), 3u);
  EXPECT_EQ(first->blocks[0].stream_name, "a");
  EXPECT_EQ(first->blocks[2].stream_name, "c");
  auto second = repo.List(account_a_, "live.example.com", 2, 3, clock_.NowMs());
  ASSERT_EQ(second->blocks.size(), 1u);
  EXPECT_EQ(second->blocks[0].stream_name, "d");
  EXPECT_TRUE(repo.List(account_a_, "live.example.com", 3, 3, clock_.NowMs())->blocks.empty());
  EXPECT_EQ(repo.List(account_b_, "live.example.com", 1, 3, clock_.NowMs())->total, 0);
}

LIVEREC_ON_BOTH_BACKENDS(StreamBlockRepositoryTest);

}  // namespace
}  // namespace liverec::metadata
