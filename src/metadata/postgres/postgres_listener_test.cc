// PostgreSQL only: LISTEN/NOTIFY wake-ups on a listener's own connection, and its recovery when
// the server ends that connection.
#include "metadata/postgres/postgres_listener.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "metadata/postgres/postgres_database.h"
#include "metadata/stream_command_repository.h"
#include "testing/test_database.h"

namespace liverec::metadata {
namespace {

using Steady = std::chrono::steady_clock;

int64_t MsSince(Steady::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start).count();
}

class PostgresListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made = testing::TestDatabase::CreateMigrated(testing::Backend::kPostgres, clock_);
    ASSERT_TRUE(made.has_value()) << made.error().ToString();
    database_ = std::move(*made);
  }

  Status Notify(const std::string& channel, const std::string& payload) {
    return StreamCommandRepository(database_->db()).Notify(channel, payload);
  }

  // Waits (bounded) until `listener` is connected and listening.
  void Connect(PostgresListener& listener) {
    auto first = listener.Wait(5000);
    ASSERT_TRUE(first.has_value()) << first.error().ToString();
    ASSERT_TRUE(first->new_connection);
  }

  // Waits up to 5 s for a notification.
  static Result<ListenerWake> NextNotification(PostgresListener& listener) {
    auto start = Steady::now();
    while (MsSince(start) < 5000) {
      auto wake = listener.Wait(5000 - MsSince(start));
      if (!wake || !wake->notifications.empty()) return wake;
    }
    return ListenerWake{};
  }

  FakeClock clock_{1'767'225'600'000};
  std::unique_ptr<testing::TestDatabase> database_;
};

TEST_F(PostgresListenerTest, ANotificationOnAListenedChannelWakesTheWaitAtOnce) {
  PostgresListener listener(database_->url(), {"liverec.a", "liverec.b"});
  Connect(listener);
  auto start = Steady::now();
  std::thread notifier([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(Notify("liverec.other", "ignored").ok());
    EXPECT_TRUE(Notify("liverec.b", "cmd 42").ok());
  });
  auto wake = NextNotification(listener);
  notifier.join();
  ASSERT_TRUE(wake.has_value()) << wake.error().ToString();
  ASSERT_EQ(wake->notifications.size(), 1u);
  EXPECT_EQ(wake->notifications[0].channel, "liverec.b");
  EXPECT_EQ(wake->notifications[0].payload, "cmd 42");
  EXPECT_FALSE(wake->new_connection);
  EXPECT_LT(MsSince(start), 2000) << "woken by the socket, not by the timeout";
}

TEST_F(PostgresListenerTest, WithNothingSentTheWaitEndsAtItsTimeoutEmpty) {
  PostgresListener listener(database_->url(), {"liverec.a"});
  Connect(listener);
  auto start = Steady::now();
  auto wake = listener.Wait(200);
  ASSERT_TRUE(wake.has_value()) << wake.error().ToString();
  EXPECT_TRUE(wake->notifications.empty());
  EXPECT_FALSE(wake->interrupted);
  EXPECT_GE(MsSince(start), 150);
}

TEST_F(PostgresListenerTest, InterruptEndsAWaitFromAnotherThread) {
  PostgresListener listener(database_->url(), {"liverec.a"});
  Connect(listener);
  auto start = Steady::now();
  std::thread interrupter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    listener.Interrupt();
  });
  auto wake = listener.Wait(10'000);
  interrupter.join();
  ASSERT_TRUE(wake.has_value()) << wake.error().ToString();
  EXPECT_TRUE(wake->interrupted);
  EXPECT_LT(MsSince(start), 5000);
}

TEST_F(PostgresListenerTest, AConnectionTheServerEndedIsMadeAgainAndListensAgain) {
  PostgresListener listener(database_->url(), {"liverec.a"});
  Connect(listener);
  int pid = listener.BackendPidForTest();
  ASSERT_NE(pid, 0);
  ASSERT_TRUE(database_->Admin(fmt::format("SELECT pg_terminate_backend({}, 10000)", pid)).ok());
  // The loss is noticed on the socket, not at the timeout.
  auto start = Steady::now();
  auto lost = listener.Wait(10'000);
  ASSERT_FALSE(lost.has_value());
  EXPECT_LT(MsSince(start), 5000);
  EXPECT_EQ(lost.error().code(), ErrorCode::kServiceUnavailable);
  EXPECT_NE(lost.error().detail().find("lost the listening connection"), std::string::npos)
      << lost.error().ToString();
  EXPECT_EQ(lost.error().detail().find("liverec-test"), std::string::npos) << "password masked";
  EXPECT_FALSE(listener.connected());
  // The next wait connects again (at most once a second) and says so: the caller catches up.
  Result<ListenerWake> again = Error(ErrorCode::kInternalError);
  for (int i = 0; i < 5 && !(again && again->new_connection); ++i) again = listener.Wait(1000);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_TRUE(again->new_connection);
  EXPECT_NE(listener.BackendPidForTest(), pid);
  ASSERT_TRUE(Notify("liverec.a", "after").ok());
  auto wake = NextNotification(listener);
  ASSERT_TRUE(wake.has_value()) << wake.error().ToString();
  ASSERT_EQ(wake->notifications.size(), 1u);
  EXPECT_EQ(wake->notifications[0].payload, "after");
}

TEST_F(PostgresListenerTest, AnUnreachableServerIsAnErrorAfterTheTimeoutNotASpin) {
  PostgresListener listener("postgresql://liverec:secret@127.0.0.1:1/nothing", {"liverec.a"});
  auto start = Steady::now();
  auto wake = listener.Wait(300);
  ASSERT_FALSE(wake.has_value());
  EXPECT_GE(MsSince(start), 250);
  EXPECT_NE(wake.error().detail().find("cannot connect to PostgreSQL"), std::string::npos)
      << wake.error().ToString();
  EXPECT_EQ(wake.error().detail().find("secret"), std::string::npos);
}

TEST_F(PostgresListenerTest, ChannelNamesLongerThanPostgresKeepsAreCutTheSameWayOnBothSides) {
  std::string long_name = "liverec." + std::string(64, 'n');
  std::string cut = PostgresListener::ChannelName(long_name);
  EXPECT_EQ(cut.size(), PostgresListener::kMaxChannelBytes);
  PostgresListener listener(database_->url(), {long_name});
  Connect(listener);
  ASSERT_TRUE(Notify(cut, "x").ok());
  auto wake = NextNotification(listener);
  ASSERT_TRUE(wake.has_value()) << wake.error().ToString();
  ASSERT_EQ(wake->notifications.size(), 1u);
  EXPECT_EQ(wake->notifications[0].channel, cut);
}

}  // namespace
}  // namespace liverec::metadata
