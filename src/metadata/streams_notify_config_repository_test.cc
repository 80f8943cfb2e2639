#include "metadata/streams_notify_config_repository.h"

#include <gtest/gtest.h>

#include "metadata/two_account_test_fixture.h"

namespace liverec::metadata {
namespace {

class StreamsNotifyConfigRepositoryTest : public TwoAccountDatabaseTest {
 protected:
  void SetUp() override {
    TwoAccountDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    repo_ = std::make_unique<StreamsNotifyConfigRepository>(*db_);
  }

  StreamsNotifyConfig Make(const std::string& account, const std::string& url) {
    StreamsNotifyConfig c;
    c.account_id = account;
    c.domain_name = "push.example.com";
    c.notify_url = url;
    c.created_at_ms = c.updated_at_ms = clock_.NowMs();
    return c;
  }

  std::optional<StreamsNotifyConfig> Found(const std::string& account) {
    auto found = repo_->Find(account, "push.example.com");
    EXPECT_TRUE(found.has_value());
    return found.value_or(std::nullopt);
  }

  std::unique_ptr<StreamsNotifyConfigRepository> repo_;
};

TEST_P(StreamsNotifyConfigRepositoryTest, UpsertedConfigIsFoundWithEveryField) {
  StreamsNotifyConfig c = Make(account_a_, "http://hooks.example.net/streams");
  c.notify_req_auth = true;
  c.notify_auth_key = "KbT8mN2pQ9rS4vX7";
  c.exception_notify_url = "http://hooks.example.net/exception";
  c.switch_notify_url = "https://hooks.example.net/switch";
  ASSERT_TRUE(repo_->Upsert(c).ok());
  auto found = Found(account_a_);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->domain_name, "push.example.com");
  EXPECT_EQ(found->notify_url, c.notify_url);
  EXPECT_TRUE(found->notify_req_auth);
  EXPECT_EQ(found->notify_auth_key, "KbT8mN2pQ9rS4vX7");
  EXPECT_EQ(found->exception_notify_url, c.exception_notify_url);
  EXPECT_EQ(found->switch_notify_url, c.switch_notify_url);
  EXPECT_EQ(found->created_at_ms, c.created_at_ms);
}

TEST_P(StreamsNotifyConfigRepositoryTest, SecondUpsertReplacesEveryFieldButTheCreationTime) {
  StreamsNotifyConfig first = Make(account_a_, "http://hooks.example.net/one");
  first.notify_req_auth = true;
  first.notify_auth_key = "KbT8mN2pQ9rS4vX7";
  first.exception_notify_url = "http://hooks.example.net/exception";
  ASSERT_TRUE(repo_->Upsert(first).ok());
  clock_.AdvanceMs(5000);
  StreamsNotifyConfig second = Make(account_a_, "http://hooks.example.net/two");
  ASSERT_TRUE(repo_->Upsert(second).ok());
  auto found = Found(account_a_);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->notify_url, "http://hooks.example.net/two");
  EXPECT_FALSE(found->notify_req_auth);
  EXPECT_EQ(found->notify_auth_key, "");
  EXPECT_EQ(found->exception_notify_url, "");
  EXPECT_EQ(found->created_at_ms, first.created_at_ms);
  EXPECT_EQ(found->updated_at_ms, clock_.NowMs());
}

TEST_P(StreamsNotifyConfigRepositoryTest, AccountsAreIsolated) {
  ASSERT_TRUE(repo_->Upsert(Make(account_a_, "http://a.example.net/")).ok());
  EXPECT_FALSE(Found(account_b_).has_value()) << "b sees nothing of a's config";
  ASSERT_TRUE(repo_->Upsert(Make(account_b_, "http://b.example.net/")).ok());
  EXPECT_EQ(Found(account_a_)->notify_url, "http://a.example.net/");
  EXPECT_EQ(Found(account_b_)->notify_url, "http://b.example.net/");
  ASSERT_TRUE(repo_->Delete(account_b_, "push.example.com").ok());
  EXPECT_FALSE(Found(account_b_).has_value());
  EXPECT_TRUE(Found(account_a_).has_value()) << "deleting b's config leaves a's";
}

TEST_P(StreamsNotifyConfigRepositoryTest, DeleteOfMissingConfigIsNotFound) {
  EXPECT_EQ(repo_->Delete(account_a_, "push.example.com").PublicCode(), "InvalidConfig.NotFound");
  ASSERT_TRUE(repo_->Upsert(Make(account_b_, "http://b.example.net/")).ok());
  EXPECT_EQ(repo_->Delete(account_a_, "push.example.com").PublicCode(), "InvalidConfig.NotFound");
}

LIVEREC_ON_BOTH_BACKENDS(StreamsNotifyConfigRepositoryTest);

}  // namespace
}  // namespace liverec::metadata
