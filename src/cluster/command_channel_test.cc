#include "cluster/command_channel.h"

#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "testing/database_test.h"

namespace liverec::cluster {
namespace {

using metadata::StreamCommandRepository;

constexpr int64_t kTimeoutMs = 1000;  // grace 200 ms: withdrawn at 800 ms

// Two nodes on one database: `b` sends to `a`. Time is a FakeClock: Send's waits advance it,
// and a test decides what node `a` does meanwhile.
class CommandChannelTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    a_ = std::make_unique<CommandChannel>(*db_, clock_, random_, CommandOptions{"a", kTimeoutMs});
    b_ = std::make_unique<CommandChannel>(*db_, clock_, random_, CommandOptions{"b", kTimeoutMs});
    a_->Handle(
        "Echo",
        [this](const CommandTarget& target, const std::string& payload) -> Result<std::string> {
          ++ran_;
          seen_ = target;
          if (payload == "fail") {
            return Error(ErrorCode::kInvalidTaskState, "", "stop is valid only while recording");
          }
          return "echo " + payload;
        });
    b_->SetWaitForTest([this](const std::string& id, int64_t ms) {
      waits_.push_back(ms);
      clock_.AdvanceMs(ms);
      if (on_wait_) on_wait_(id);
    });
  }

  Result<std::string> Send(const std::string& payload, const std::string& kind = "Echo") {
    start_ms_ = clock_.NowMs();
    return b_->Send("a", CommandTarget{"acc", "example.com", "live", "s1"}, kind, payload);
  }
  int64_t Elapsed() const { return clock_.NowMs() - start_ms_; }
  std::string StateOf(const std::string& id) {
    return StreamCommandRepository(*db_).Get(id).value()->state;
  }
  // Node `a` serving whenever b waits (from the `after_ms`-th ms of the Send on).
  void ServeAfter(int64_t after_ms) {
    on_wait_ = [this, after_ms](const std::string&) {
      if (Elapsed() >= after_ms) {
        ASSERT_TRUE(a_->Serve().has_value());
      }
    };
  }

  std::unique_ptr<CommandChannel> a_, b_;
  std::function<void(const std::string&)> on_wait_;
  std::vector<int64_t> waits_;
  int64_t start_ms_ = 0;
  int ran_ = 0;
  CommandTarget seen_;
};

TEST_P(CommandChannelTest, TheOwnerRunsTheCommandAndTheSenderGetsItsResult) {
  ServeAfter(0);
  auto result = Send("hello");
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_EQ(*result, "echo hello");
  EXPECT_EQ(ran_, 1);
  EXPECT_EQ(seen_.account_id, "acc");
  EXPECT_EQ(seen_.domain, "example.com");
  EXPECT_EQ(seen_.app, "live");
  EXPECT_EQ(seen_.stream, "s1");
  EXPECT_EQ(Elapsed(), 100) << "answered at the first read after the owner served";
  EXPECT_EQ(a_->Serve().value(), 0) << "run once";
}

TEST_P(CommandChannelTest, TheOwnersErrorComesBackWithItsCodeAndDetail) {
  ServeAfter(0);
  auto result = Send("fail");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidTaskState);
  EXPECT_EQ(result.error().detail(), "stop is valid only while recording");
}

TEST_P(CommandChannelTest, AnOwnerThatDoesNotTakeTheCommandInTimeGetsItWithdrawn) {
  std::string id;
  on_wait_ = [&](const std::string& waiting) { id = waiting; };
  auto result = Send("late");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kCommandTimeout);
  EXPECT_EQ(result.error().PublicCode(), "Cluster.CommandTimeout");
  EXPECT_EQ(result.error().HttpStatus(), 504);
  EXPECT_NE(result.error().detail().find("node a did not take the command within 800 ms; it was "
                                         "withdrawn and not carried out"),
            std::string::npos)
      << result.error().ToString();
  EXPECT_EQ(Elapsed(), 800);
  for (int64_t ms : waits_) EXPECT_LE(ms, 100) << "the row is read at least every 100 ms";
  EXPECT_EQ(StateOf(id), metadata::kCommandCancelled);
  // The owner coming back later never runs it.
  EXPECT_EQ(a_->Serve().value(), 0);
  EXPECT_EQ(ran_, 0);
}

TEST_P(CommandChannelTest, ACommandTakenJustBeforeTheDeadlineIsAwaitedForTheGrace) {
  // Node a claims the command at 700 ms and answers at 900 ms, after the 800 ms deadline.
  StreamCommandRepository repo(*db_);
  std::optional<metadata::StreamCommandRow> taken;
  on_wait_ = [&](const std::string&) {
    if (Elapsed() == 700) taken = repo.ClaimPending("a", clock_.NowMs()).value().at(0);
    if (Elapsed() == 900) {
      taken->result = "late but taken";
      ASSERT_TRUE(repo.Complete(*taken, clock_.NowMs()).value());
    }
  };
  auto result = Send("x");
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_EQ(*result, "late but taken");
  EXPECT_EQ(Elapsed(), 900);
}

TEST_P(CommandChannelTest, AClaimedCommandWithoutAnAnswerIsATimeoutWithAnUnknownOutcome) {
  // Node a claims the command (as a node that then stalls would) but never completes it.
  on_wait_ = [&](const std::string&) {
    ASSERT_TRUE(StreamCommandRepository(*db_).ClaimPending("a", clock_.NowMs()).has_value());
  };
  auto result = Send("stalled");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kCommandTimeout);
  EXPECT_NE(result.error().detail().find("took the command but did not answer within 1000 ms; "
                                         "its outcome is unknown"),
            std::string::npos)
      << result.error().ToString();
  EXPECT_EQ(Elapsed(), kTimeoutMs) << "answered within the time limit";
}

TEST_P(CommandChannelTest, AKindTheOwnerDoesNotKnowIsAnInternalError) {
  ServeAfter(0);
  auto result = Send("x", "FutureCommand");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kInternalError);
  EXPECT_NE(result.error().detail().find("node a does not know the command kind 'FutureCommand'"),
            std::string::npos)
      << result.error().ToString();
}

TEST_P(CommandChannelTest, AReplyNotificationWakesOnlyTheSendWaitingForIt) {
  CommandChannel c(*db_, clock_, random_, CommandOptions{"c", 60'000, 60'000});
  c.Notified("done unknown-id");  // nobody waits for it: ignored
  c.Notified("cmd x");            // not a reply
  std::string id;
  std::thread sender([&] {
    auto r = c.Send("a", CommandTarget{"acc", "example.com", "live", "s1"}, "Echo", "woken");
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
  });
  // Node a serves once the row is there, then notifies c (as the listener would pass it on).
  StreamCommandRepository repo(*db_);
  for (int i = 0; i < 2000 && id.empty(); ++i) {
    auto claimed = a_->Serve();
    ASSERT_TRUE(claimed.has_value());
    if (*claimed > 0) {
      auto rows = db_->Query("SELECT id FROM stream_commands WHERE payload = 'woken'");
      id = metadata::AsText(rows->at(0).at(0));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  ASSERT_FALSE(id.empty());
  c.Notified(std::string(CommandChannel::kReplyPrefix) + id);
  sender.join();  // would take 60 s (the poll period) without the notification
}

TEST_P(CommandChannelTest, PurgeDeletesRowsPastTheRetention) {
  ServeAfter(0);
  ASSERT_TRUE(Send("old").has_value());
  clock_.AdvanceMs(CommandOptions{}.retention_ms);
  ASSERT_TRUE(Send("new").has_value());
  EXPECT_EQ(b_->Purge().value(), 1);
  EXPECT_EQ(metadata::AsInt(db_->Query("SELECT COUNT(*) FROM stream_commands")->at(0).at(0)), 1);
}

TEST(CommandChannelNames, ANodesChannelIsItsIdCutToWhatPostgresKeeps) {
  EXPECT_EQ(CommandChannel::ChannelOf("rec-1"), "liverec.rec-1");
  EXPECT_EQ(CommandChannel::ChannelOf(std::string(64, 'n')).size(), 63u);
}

LIVEREC_ON_BOTH_BACKENDS(CommandChannelTest);

}  // namespace
}  // namespace liverec::cluster
