// PostgreSQL only: commands between two nodes through LISTEN/NOTIFY on one database, in real
// time (each node a PostgresDatabase of its own, a CommandChannel and its CommandListener).
#include "cluster/command_listener.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>

#include "config/config.h"
#include "metadata/open_database.h"
#include "testing/test_database.h"

namespace liverec::cluster {
namespace {

using Steady = std::chrono::steady_clock;

int64_t MsSince(Steady::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start).count();
}

struct Node {
  std::unique_ptr<metadata::SqlDatabase> db;
  std::unique_ptr<CommandChannel> channel;
  std::unique_ptr<CommandListener> listener;
};

class CommandListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = testing::TestDatabase::CreateMigrated(testing::Backend::kPostgres, clock_);
    ASSERT_TRUE(made.has_value()) << made.error().ToString();
    database_ = std::move(*made);
    MakeNodes(kFastPolls);
  }

  // Both polls fast (the lost-notification and timeout tests), or both slow: then an answer
  // well within the slow polls can only have been woken by NOTIFY, both ways, with a margin
  // that a loaded machine or a sanitizer build does not eat up (a bound of a few milliseconds
  // did, in CI's sanitizer pass).
  struct Polls {
    int64_t serve_ms;
    int64_t reply_ms;
    int64_t timeout_ms;
  };
  static constexpr Polls kFastPolls{250, 100, 5000};
  static constexpr Polls kShortTimeout{250, 100, 1000};
  static constexpr Polls kSlowPolls{5000, 5000, 20000};
  static constexpr int64_t kWokenWithinMs = 2000;

  void MakeNodes(const Polls& polls) {
    Drop(a_);
    Drop(b_);
    a_ = MakeNode("a", polls);
    b_ = MakeNode("b", polls);
    a_.channel->Handle(
        "Echo", [](const CommandTarget& t, const std::string& payload) -> Result<std::string> {
          return t.stream + " " + payload;
        });
  }

  // In the order the parts use each other: the listener serves the channel, which uses the pool.
  static void Drop(Node& node) {
    node.listener.reset();
    node.channel.reset();
    node.db.reset();
  }

  Node MakeNode(const std::string& id, const Polls& polls) {
    Node node;
    config::DatabaseConfig config;
    config.url = database_->url();
    config.pool_size = 4;
    auto db = metadata::OpenDatabase(config, clock_);
    EXPECT_TRUE(db.has_value()) << db.error().ToString();
    node.db = std::move(*db);
    node.channel = std::make_unique<CommandChannel>(
        *node.db, clock_, random_, CommandOptions{id, polls.timeout_ms, polls.reply_ms});
    node.listener =
        std::make_unique<CommandListener>(*node.channel, clock_, database_->url(), polls.serve_ms);
    return node;
  }

  Result<std::string> Send(const std::string& payload) {
    return b_.channel->Send("a", CommandTarget{"acc", "example.com", "live", "s1"}, "Echo",
                            payload);
  }

  SystemClock clock_;
  OsRandom random_;
  std::unique_ptr<testing::TestDatabase> database_;
  Node a_, b_;
};

TEST_F(CommandListenerTest, ACommandToAListeningNodeIsWokenByNotifyNotByPolling) {
  MakeNodes(kSlowPolls);
  a_.listener->Start();
  b_.listener->Start();
  // The first one may meet a listener still connecting (then the poll serves it).
  ASSERT_TRUE(Send("warm-up").has_value());
  for (int i = 0; i < 5; ++i) {
    auto start = Steady::now();
    auto result = Send(std::to_string(i));
    int64_t took = MsSince(start);
    ASSERT_TRUE(result.has_value()) << result.error().ToString();
    EXPECT_EQ(*result, "s1 " + std::to_string(i));
    // Woken both ways by NOTIFY: well below the 5 s reply poll and the 5 s serve poll (in
    // milliseconds on a quiet machine).
    EXPECT_LT(took, kWokenWithinMs) << "command " << i;
  }
}

TEST_F(CommandListenerTest, ALostNotificationOnlyDelaysTheCommandByThePollPeriod) {
  // Node a listens on another channel than the one b wakes (as if every NOTIFY were lost): its
  // poll every 250 ms still finds the command.
  CommandListener deaf(*a_.channel, clock_, "postgresql://liverec@127.0.0.1:1/none", 250);
  deaf.Start();
  auto start = Steady::now();
  auto result = Send("polled");
  int64_t took = MsSince(start);
  deaf.Stop();
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_EQ(*result, "s1 polled");
  EXPECT_LT(took, 2500) << "a few 250 ms polls, not the 5 s timeout";
}

TEST_F(CommandListenerTest, ANodeThatDoesNotServeGivesATimeoutWithinTheLimit) {
  MakeNodes(kShortTimeout);
  b_.listener->Start();
  auto start = Steady::now();
  auto result = Send("nobody");
  int64_t took = MsSince(start);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kCommandTimeout);
  EXPECT_GE(took, 750);
  EXPECT_LT(took, 2000) << "the 1 s timeout, with room for a loaded machine";
  // Node a starting later does not run the withdrawn command.
  int ran = 0;
  a_.channel->Handle("Echo", [&](const CommandTarget&, const std::string&) -> Result<std::string> {
    ++ran;
    return "";
  });
  EXPECT_EQ(a_.channel->Serve().value(), 0);
  EXPECT_EQ(ran, 0);
}

TEST_F(CommandListenerTest, AfterTheListeningConnectionIsEndedCommandsStillArrive) {
  MakeNodes(kSlowPolls);
  a_.listener->Start();
  b_.listener->Start();
  ASSERT_TRUE(Send("before").has_value());
  ASSERT_TRUE(database_
                  ->Admin(fmt::format("SELECT pg_terminate_backend(pid, 10000) FROM "
                                      "pg_stat_activity WHERE datname = '{}' AND "
                                      "application_name = 'liverec-listener'",
                                      database_->name()))
                  .ok());
  // Answered meanwhile (by polling, within the 20 s timeout), and woken by NOTIFY again once
  // the listeners are back (they reconnect at most once a second).
  int64_t took = 0;
  auto start = Steady::now();
  for (int i = 0; MsSince(start) < 30'000; ++i) {
    auto sent = Steady::now();
    auto result = Send("after " + std::to_string(i));
    took = MsSince(sent);
    ASSERT_TRUE(result.has_value()) << result.error().ToString();
    EXPECT_EQ(*result, "s1 after " + std::to_string(i));
    if (took < kWokenWithinMs) break;
  }
  EXPECT_LT(took, kWokenWithinMs) << "woken by NOTIFY again";
}

}  // namespace
}  // namespace liverec::cluster
