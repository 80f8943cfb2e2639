#include "metadata/stream_command_repository.h"

#include <gtest/gtest.h>

#include "testing/database_test.h"

namespace liverec::metadata {
namespace {

class StreamCommandRepositoryTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    repo_ = std::make_unique<StreamCommandRepository>(*db_);
  }

  StreamCommandRow Command(const std::string& id, const std::string& target = "a") {
    StreamCommandRow row;
    row.id = id;
    row.target_node = target;
    row.origin_node = "b";
    row.account_id = "acc";
    row.domain_name = "example.com";
    row.app_name = "live";
    row.stream_name = "s1";
    row.kind = "RealTimeRecordCommand";
    row.payload = "start";
    row.created_at_ms = clock_.NowMs();
    row.deadline_ms = clock_.NowMs() + 800;
    return row;
  }

  std::string StateOf(const std::string& id) { return repo_->Get(id).value()->state; }

  std::unique_ptr<StreamCommandRepository> repo_;
};

TEST_P(StreamCommandRepositoryTest, TheTargetClaimsItsPendingCommandsOnceOldestFirst) {
  ASSERT_TRUE(repo_->Insert(Command("c1")).ok());
  clock_.AdvanceMs(1);
  ASSERT_TRUE(repo_->Insert(Command("c2")).ok());
  ASSERT_TRUE(repo_->Insert(Command("x1", "other")).ok());
  auto claimed = repo_->ClaimPending("a", clock_.NowMs());
  ASSERT_TRUE(claimed.has_value()) << claimed.error().ToString();
  ASSERT_EQ(claimed->size(), 2u);
  EXPECT_EQ(claimed->at(0).id, "c1");
  EXPECT_EQ(claimed->at(1).id, "c2");
  EXPECT_EQ(claimed->at(0).state, kCommandRunning);
  EXPECT_EQ(claimed->at(0).payload, "start");
  EXPECT_EQ(claimed->at(0).stream_name, "s1");
  EXPECT_EQ(StateOf("c1"), kCommandRunning);
  EXPECT_TRUE(repo_->ClaimPending("a", clock_.NowMs())->empty()) << "claimed once";
  EXPECT_EQ(StateOf("x1"), kCommandPending);
}

TEST_P(StreamCommandRepositoryTest, ACompletedCommandCarriesItsResult) {
  ASSERT_TRUE(repo_->Insert(Command("c1")).ok());
  auto claimed = repo_->ClaimPending("a", clock_.NowMs()).value();
  StreamCommandRow done = claimed.at(0);
  done.result_code = "kTaskAlreadyStarted";
  done.result_arg = "arg";
  done.result_detail = "detail";
  done.result = "{}";
  clock_.AdvanceMs(7);
  EXPECT_TRUE(repo_->Complete(done, clock_.NowMs()).value());
  auto got = repo_->Get("c1").value();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->state, kCommandDone);
  EXPECT_EQ(got->result_code, "kTaskAlreadyStarted");
  EXPECT_EQ(got->result_arg, "arg");
  EXPECT_EQ(got->result_detail, "detail");
  EXPECT_EQ(got->result, "{}");
  EXPECT_EQ(got->done_at_ms, clock_.NowMs());
  EXPECT_FALSE(repo_->Complete(done, clock_.NowMs()).value()) << "completed once";
  EXPECT_FALSE(repo_->Get("missing").value().has_value());
}

TEST_P(StreamCommandRepositoryTest, ACancelledCommandIsNeverClaimedAndAClaimedOneIsNotCancelled) {
  ASSERT_TRUE(repo_->Insert(Command("c1")).ok());
  ASSERT_TRUE(repo_->Insert(Command("c2")).ok());
  EXPECT_TRUE(repo_->Cancel("c1", clock_.NowMs()).value());
  auto claimed = repo_->ClaimPending("a", clock_.NowMs()).value();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, "c2");
  EXPECT_FALSE(repo_->Cancel("c2", clock_.NowMs()).value());
  EXPECT_EQ(StateOf("c1"), kCommandCancelled);
  EXPECT_EQ(StateOf("c2"), kCommandRunning);
}

TEST_P(StreamCommandRepositoryTest, ACommandPastItsDeadlineIsNotClaimed) {
  ASSERT_TRUE(repo_->Insert(Command("c1")).ok());
  clock_.AdvanceMs(800);
  EXPECT_TRUE(repo_->ClaimPending("a", clock_.NowMs())->empty());
  EXPECT_EQ(StateOf("c1"), kCommandPending);
}

TEST_P(StreamCommandRepositoryTest, PurgeDeletesCommandsCreatedBeforeTheBound) {
  ASSERT_TRUE(repo_->Insert(Command("old")).ok());
  clock_.AdvanceMs(1000);
  ASSERT_TRUE(repo_->Insert(Command("new")).ok());
  EXPECT_EQ(repo_->PurgeBefore(clock_.NowMs()).value(), 1);
  EXPECT_FALSE(repo_->Get("old").value().has_value());
  EXPECT_TRUE(repo_->Get("new").value().has_value());
}

TEST_P(StreamCommandRepositoryTest, NotifyIsAcceptedOnEitherBackend) {
  EXPECT_TRUE(repo_->Notify("liverec.a", "cmd c1").ok());
}

LIVEREC_ON_BOTH_BACKENDS(StreamCommandRepositoryTest);

}  // namespace
}  // namespace liverec::metadata
