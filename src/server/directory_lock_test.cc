// One server per data directory: a second lock is refused naming the holder; a released or
// crashed holder's lock is taken again.
#include "server/directory_lock.h"
#include "testing/temp_dir.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace liverec::server {
namespace {

namespace fs = std::filesystem;

class DirectoryLockTest : public ::testing::Test {
 protected:
  DirectoryLockTest() : dir_(tmp_.path().string()) {}

  std::string LockFileContents() const {
    std::ifstream in(dir_ + "/liverec.lock");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  liverec::testing::TempDir tmp_{"lock"};
  std::string dir_;
};

TEST_F(DirectoryLockTest, ASecondLockIsRefusedNamingTheHoldersPidAndCommandLine) {
  auto first = DirectoryLock::Acquire(dir_);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_TRUE(LockFileContents().starts_with(std::to_string(getpid()) + "\n"));

  auto second = DirectoryLock::Acquire(dir_);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), ErrorCode::kDirectoryInUse);
  std::string message = second.error().Message();
  EXPECT_NE(message.find("PID " + std::to_string(getpid()) + ": "), std::string::npos) << message;
  EXPECT_NE(message.find("server_test"), std::string::npos) << "the command line: " << message;
  EXPECT_NE(message.find(dir_), std::string::npos) << message;
}

TEST_F(DirectoryLockTest, AReleasedLockCanBeTakenAgain) {
  {
    auto first = DirectoryLock::Acquire(dir_);
    ASSERT_TRUE(first.has_value());
  }
  auto again = DirectoryLock::Acquire(dir_);
  EXPECT_TRUE(again.has_value()) << again.error().ToString();
}

TEST_F(DirectoryLockTest, AStaleLockFileLeftByACrashIsTakenOver) {
  std::ofstream(dir_ + "/liverec.lock") << "999999999\nliverec serve --data-dir old\n";
  auto lock = DirectoryLock::Acquire(dir_);
  ASSERT_TRUE(lock.has_value()) << lock.error().ToString();
  EXPECT_TRUE(LockFileContents().starts_with(std::to_string(getpid()) + "\n"))
      << "the new owner's PID replaces the old: " << LockFileContents();
}

TEST_F(DirectoryLockTest, TheLockOfAKilledProcessIsReleasedByTheKernel) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = DirectoryLock::Acquire(dir_);
    char ok = lock.has_value() ? 'y' : 'n';
    (void)!write(ready[1], &ok, 1);
    pause();
    _exit(0);
  }
  char ok = 0;
  ASSERT_EQ(read(ready[0], &ok, 1), 1);
  ASSERT_EQ(ok, 'y');
  auto refused = DirectoryLock::Acquire(dir_);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().Message().find("PID " + std::to_string(child)), std::string::npos)
      << refused.error().Message();

  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  close(ready[0]);
  close(ready[1]);
  auto taken = DirectoryLock::Acquire(dir_);
  EXPECT_TRUE(taken.has_value()) << taken.error().ToString();
}

TEST_F(DirectoryLockTest, TheSpoolIsLockedWhenItLiesOutsideTheDataDirectory) {
  std::string data = dir_ + "/data", spool = dir_ + "/spool";
  auto inside = LockServerDirectories(data, data + "/spool");
  ASSERT_TRUE(inside.has_value()) << inside.error().ToString();
  EXPECT_EQ(inside->size(), 1u) << "the data directory's lock covers its own spool";
  inside->clear();

  auto outside = LockServerDirectories(data, spool);
  ASSERT_TRUE(outside.has_value()) << outside.error().ToString();
  ASSERT_EQ(outside->size(), 2u);
  EXPECT_TRUE(fs::exists(spool + "/liverec.lock"));

  auto other_data_same_spool = LockServerDirectories(dir_ + "/data2", spool);
  ASSERT_FALSE(other_data_same_spool.has_value());
  EXPECT_NE(other_data_same_spool.error().Message().find(spool), std::string::npos)
      << other_data_same_spool.error().Message();
}

TEST(DescribeLockHolderTest, SaysWhatIsKnownOfTheHolder) {
  EXPECT_EQ(DescribeLockHolder(""), "a process whose PID is not written yet");
  EXPECT_EQ(DescribeLockHolder("12ab\n"), "a process whose PID is not written yet");
  EXPECT_EQ(DescribeLockHolder("999999999\n"), "PID 999999999") << "no such process to read";
  std::string self = DescribeLockHolder(std::to_string(getpid()) + "\n");
  EXPECT_TRUE(self.starts_with("PID " + std::to_string(getpid()) + ": ")) << self;
}

}  // namespace
}  // namespace liverec::server
