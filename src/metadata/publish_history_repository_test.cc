#include "metadata/publish_history_repository.h"

#include <gtest/gtest.h>

#include "metadata/two_account_test_fixture.h"

namespace liverec::metadata {
namespace {

constexpr int64_t kT = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

class PublishHistoryRepositoryTest : public TwoAccountDatabaseTest {
 protected:
  void SetUp() override {
    TwoAccountDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    repo_ = std::make_unique<PublishHistoryRepository>(*db_);
  }

  PublishSession Session(const std::string& id, const std::string& stream, int64_t start,
                         int64_t stop, const std::string& account = "") {
    return PublishSession{id,
                          account.empty() ? account_a_ : account,
                          "live.example.com",
                          "app",
                          stream,
                          "push.example.com",
                          "10.0.0.7",
                          "10.0.0.1",
                          "node-a",
                          start,
                          stop};
  }
  std::vector<std::string> Ids(PublishHistoryQuery q) {
    q.account_id = q.account_id.empty() ? account_a_ : q.account_id;
    q.domain_name = "live.example.com";
    auto page = repo_->List(q);
    EXPECT_TRUE(page.has_value()) << page.error().ToString();
    std::vector<std::string> ids;
    if (page) {
      for (const auto& s : page->sessions) ids.push_back(s.id);
    }
    return ids;
  }
  static PublishHistoryQuery Range(int64_t start, int64_t end) {
    PublishHistoryQuery q;
    q.start_ms = start;
    q.end_ms = end;
    return q;
  }

  std::unique_ptr<PublishHistoryRepository> repo_;
};

TEST_P(PublishHistoryRepositoryTest, ASessionIsListedWhileItOverlapsTheRangeWithEveryField) {
  ASSERT_TRUE(repo_->Begin(Session("s1", "cam", kT, 0)).ok());
  ASSERT_TRUE(repo_->End(account_a_, "s1", kT + 60'000).ok());
  ASSERT_TRUE(repo_->Begin(Session("s2", "cam", kT + 120'000, 0)).ok());  // live
  EXPECT_EQ(Ids(Range(kT - 1000, kT)), std::vector<std::string>{}) << "ends where it starts";
  EXPECT_EQ(Ids(Range(kT + 59'000, kT + 61'000)), std::vector<std::string>{"s1"});
  EXPECT_EQ(Ids(Range(kT + 60'000, kT + 120'000)), std::vector<std::string>{}) << "half-open";
  EXPECT_EQ(Ids(Range(kT + 10'000'000, kT + 20'000'000)), std::vector<std::string>{"s2"})
      << "a live session overlaps every later range";
  PublishHistoryQuery q = Range(kT, kT + 1000);
  q.account_id = account_a_;
  q.domain_name = "live.example.com";
  auto page = repo_->List(q);
  ASSERT_EQ(page->sessions.size(), 1u);
  const PublishSession& s = page->sessions[0];
  EXPECT_EQ(s.app_name, "app");
  EXPECT_EQ(s.stream_name, "cam");
  EXPECT_EQ(s.publish_domain, "push.example.com");
  EXPECT_EQ(s.client_addr, "10.0.0.7");
  EXPECT_EQ(s.edge_node_addr, "10.0.0.1");
  EXPECT_EQ(s.publish_ms, kT);
  EXPECT_EQ(s.stop_ms, kT + 60'000);
}

TEST_P(PublishHistoryRepositoryTest, FiltersOrdersAndPages) {
  ASSERT_TRUE(repo_->Begin(Session("a", "cam_1", kT + 3, kT + 10)).ok());
  ASSERT_TRUE(repo_->Begin(Session("b", "cam%1", kT + 1, kT + 10)).ok());
  ASSERT_TRUE(repo_->Begin(Session("c", "door", kT + 2, kT + 10)).ok());
  ASSERT_TRUE(repo_->Begin(Session("d", "cam", kT + 4, kT + 10, account_b_)).ok());
  PublishHistoryQuery q = Range(kT, kT + 100);
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"b", "c", "a"}));
  q.order_by = "publish_time_desc";
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"a", "c", "b"}));
  q.order_by = "stream_name_asc";
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"b", "a", "c"}));
  q.order_by = "stream_name_desc";
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"c", "a", "b"}));
  q.order_by = "publish_time_asc";
  q.stream_name = "cam";
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"b", "a"})) << "fuzzy: a substring";
  q.stream_name = "%";
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"b"})) << "% is taken literally";
  q.stream_name = "cam_1";
  q.strict = true;
  EXPECT_EQ(Ids(q), (std::vector<std::string>{"a"}));
  q = Range(kT, kT + 100);
  q.app_name = "other";
  EXPECT_EQ(Ids(q), std::vector<std::string>{});
  q = Range(kT, kT + 100);
  q.page_size = 2;
  q.page_num = 2;
  EXPECT_EQ(Ids(q), std::vector<std::string>{"a"});
  q.account_id = account_a_;
  q.domain_name = "live.example.com";
  EXPECT_EQ(repo_->List(q)->total, 3);
}

TEST_P(PublishHistoryRepositoryTest, ARestartClosesItsNodesOpenSessionsAndPurgeDropsOldOnes) {
  ASSERT_TRUE(repo_->Begin(Session("old", "cam", kT, kT + 1000)).ok());
  ASSERT_TRUE(repo_->Begin(Session("open", "cam", kT + 5000, 0)).ok());
  PublishSession elsewhere = Session("b-open", "door", kT + 5000, 0);
  elsewhere.node = "node-b";
  ASSERT_TRUE(repo_->Begin(elsewhere).ok());
  EXPECT_EQ(repo_->Interrupted("node-a", kT + 9000).value(), 1);
  auto page = repo_->List(PublishHistoryQuery{account_a_, "live.example.com", std::nullopt,
                                              std::nullopt, false, kT, kT + 100'000});
  ASSERT_EQ(page->sessions.size(), 3u);
  for (const auto& s : page->sessions) {
    if (s.id == "open") {
      EXPECT_EQ(s.stop_ms, kT + 9000);
    }
    if (s.id == "b-open") {
      EXPECT_EQ(s.stop_ms, 0) << "another node's live session";
    }
  }
  EXPECT_EQ(repo_->Purge(kT + 2000).value(), 1);
  EXPECT_EQ(repo_->Purge(kT + 100'000).value(), 1) << "open sessions are never purged";
}

LIVEREC_ON_BOTH_BACKENDS(PublishHistoryRepositoryTest);

}  // namespace
}  // namespace liverec::metadata
