#include "metadata/notify_config_repository.h"

#include <gtest/gtest.h>

#include "metadata/two_account_test_fixture.h"

namespace liverec::metadata {
namespace {

class NotifyConfigRepositoryTest : public TwoAccountDatabaseTest {
 protected:
  void SetUp() override {
    TwoAccountDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    repo_ = std::make_unique<NotifyConfigRepository>(*db_);
  }

  NotifyConfig Make(const std::string& account) {
    NotifyConfig c;
    c.account_id = account;
    c.domain_name = "example.com";
    c.notify_url = "http://hooks.example.net/record";
    c.created_at_ms = c.updated_at_ms = clock_.NowMs();
    return c;
  }

  std::unique_ptr<NotifyConfigRepository> repo_;
};

TEST_P(NotifyConfigRepositoryTest, InsertedConfigIsFoundWithEveryField) {
  NotifyConfig c = Make(account_a_);
  c.on_demand_url = "https://hooks.example.net/ondemand";
  c.need_status_notify = true;
  c.notify_req_auth = true;
  c.notify_auth_key = "KbT8mN2pQ9rS4vX7";
  ASSERT_TRUE(repo_->Insert(c).ok());
  auto found = repo_->Find(account_a_, "example.com");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->notify_url, c.notify_url);
  EXPECT_EQ((*found)->on_demand_url, c.on_demand_url);
  EXPECT_TRUE((*found)->need_status_notify);
  EXPECT_TRUE((*found)->notify_req_auth);
  EXPECT_EQ((*found)->notify_auth_key, "KbT8mN2pQ9rS4vX7");
  EXPECT_EQ((*found)->created_at_ms, c.created_at_ms);
}

TEST_P(NotifyConfigRepositoryTest, OneConfigPerDomainAndAccount) {
  ASSERT_TRUE(repo_->Insert(Make(account_a_)).ok());
  EXPECT_EQ(repo_->Insert(Make(account_a_)).PublicCode(), "ConfigAlreadyExists");
  EXPECT_TRUE(repo_->Insert(Make(account_b_)).ok());
}

TEST_P(NotifyConfigRepositoryTest, UpdateReplacesFieldsButKeepsCreationTime) {
  NotifyConfig c = Make(account_a_);
  ASSERT_TRUE(repo_->Insert(c).ok());
  clock_.AdvanceMs(5000);
  c.notify_url = "http://other.example.net/";
  c.need_status_notify = true;
  c.updated_at_ms = clock_.NowMs();
  c.created_at_ms = 0;
  ASSERT_TRUE(repo_->Update(c).ok());
  auto found = repo_->Find(account_a_, "example.com");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->notify_url, "http://other.example.net/");
  EXPECT_TRUE((*found)->need_status_notify);
  EXPECT_EQ((*found)->created_at_ms, clock_.NowMs() - 5000);
  EXPECT_EQ((*found)->updated_at_ms, clock_.NowMs());
}

TEST_P(NotifyConfigRepositoryTest, UpdateAndDeleteOfMissingConfigAreNotFound) {
  EXPECT_EQ(repo_->Update(Make(account_a_)).PublicCode(), "InvalidConfig.NotFound");
  EXPECT_EQ(repo_->Delete(account_a_, "example.com").PublicCode(), "InvalidConfig.NotFound");
  ASSERT_TRUE(repo_->Insert(Make(account_b_)).ok());
  EXPECT_EQ(repo_->Delete(account_a_, "example.com").PublicCode(), "InvalidConfig.NotFound");
  EXPECT_TRUE(repo_->Delete(account_b_, "example.com").ok());
  auto found = repo_->Find(account_b_, "example.com");
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->has_value());
}

LIVEREC_ON_BOTH_BACKENDS(NotifyConfigRepositoryTest);

}  // namespace
}  // namespace liverec::metadata
