#include "relay/worker/libav_relay_runner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "relay/worker/relay_test_support.h"

namespace liverec::relay::worker {
namespace {

using namespace std::chrono_literals;

class Reports {
 public:
  ReportFn Fn() {
    return [this](const RelayReport& report) {
      std::lock_guard lock(mutex_);
      reports_.push_back(report);
      changed_.notify_all();
    };
  }
  std::optional<RelayReport> WaitFor(RelayReport::Kind kind, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    std::optional<RelayReport> found;
    changed_.wait_for(lock, limit, [&] {
      for (const auto& report : reports_) {
        if (report.kind == kind) found = report;
        if (found) return true;
      }
      return false;
    });
    return found;
  }
  size_t Count() {
    std::lock_guard lock(mutex_);
    return reports_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<RelayReport> reports_;
};

TEST(LibavRelayRunnerTest, ReportsRunningProgressAndFinishedWithTheAttempt) {
  if (!test_support::HaveFfmpeg() || !test_support::HaveNginxRtmp()) {
    GTEST_SKIP() << "ffmpeg or nginx + libnginx-mod-rtmp not installed";
  }
  test_support::TempDir dir;
  test_support::NginxRtmp nginx(dir.File("nginx"));
  ASSERT_TRUE(nginx.Up());
  test_support::MakeMedia(dir.File("a.mp4"), 3);
  RelayJob job;
  job.task_id = "task-1";
  job.attempt = 7;
  job.source_type = "url";
  job.source_urls = {dir.File("a.mp4")};
  job.dst_url = nginx.Url("b", "runner");
  LibavRelayRunner runner(RelayTimeouts{3s, 3s});
  Reports reports;
  runner.Start(job, reports.Fn());

  auto running = reports.WaitFor(RelayReport::Kind::kRunning, 5s);
  ASSERT_TRUE(running);
  EXPECT_EQ(running->task_id, "task-1");
  EXPECT_EQ(running->attempt, 7u);
  auto progress = reports.WaitFor(RelayReport::Kind::kProgress, 3s);
  ASSERT_TRUE(progress);
  EXPECT_EQ(progress->current_file_index, 0);
  auto finished = reports.WaitFor(RelayReport::Kind::kFinished, 8s);
  ASSERT_TRUE(finished);
  EXPECT_EQ(finished->attempt, 7u);
  EXPECT_GE(finished->current_offset_s, 2);
  EXPECT_FALSE(reports.WaitFor(RelayReport::Kind::kFailed, 0ms));
}

TEST(LibavRelayRunnerTest, ReportsTheNextFileOfAPlaylistWithItsUrlFromTheJob) {
  if (!test_support::HaveFfmpeg() || !test_support::HaveNginxRtmp()) {
    GTEST_SKIP() << "ffmpeg or nginx + libnginx-mod-rtmp not installed";
  }
  test_support::TempDir dir;
  test_support::NginxRtmp nginx(dir.File("nginx"));
  ASSERT_TRUE(nginx.Up());
  test_support::MakeMedia(dir.File("a.mp4"), 2);
  test_support::MakeMedia(dir.File("b.flv"), 2);
  RelayJob job;
  job.task_id = "task-5";
  job.attempt = 3;
  job.source_type = "url";
  job.source_urls = {dir.File("a.mp4"), dir.File("b.flv")};
  job.dst_url = nginx.Url("b", "switch");
  LibavRelayRunner runner(RelayTimeouts{3s, 3s});
  Reports reports;
  runner.Start(job, reports.Fn());
  auto switched = reports.WaitFor(RelayReport::Kind::kItemSwitched, 6s);
  ASSERT_TRUE(switched);
  EXPECT_EQ(switched->attempt, 3u);
  EXPECT_EQ(switched->current_file_index, 1);
  EXPECT_EQ(switched->current_file_url, dir.File("b.flv"));
  EXPECT_EQ(switched->current_offset_s, 0);
  EXPECT_EQ(switched->remaining_repeats, 0);
  ASSERT_TRUE(reports.WaitFor(RelayReport::Kind::kFinished, 6s));
}

TEST(LibavRelayRunnerTest, ChangingRepeatsWhileRunningEndsAnEndlessPlaylist) {
  if (!test_support::HaveFfmpeg() || !test_support::HaveNginxRtmp()) {
    GTEST_SKIP() << "ffmpeg or nginx + libnginx-mod-rtmp not installed";
  }
  test_support::TempDir dir;
  test_support::NginxRtmp nginx(dir.File("nginx"));
  ASSERT_TRUE(nginx.Up());
  test_support::MakeMedia(dir.File("a.mp4"), 2);
  RelayJob job;
  job.task_id = "task-4";
  job.source_type = "url";
  job.source_urls = {dir.File("a.mp4")};
  job.dst_url = nginx.Url("b", "endless");
  job.repeat_number = -1;
  LibavRelayRunner runner(RelayTimeouts{3s, 3s});
  Reports reports;
  runner.Start(job, reports.Fn());
  auto running = reports.WaitFor(RelayReport::Kind::kRunning, 5s);
  ASSERT_TRUE(running);
  EXPECT_EQ(running->remaining_repeats, -1);
  runner.SetRemainingRepeats("task-4", 0);
  auto finished = reports.WaitFor(RelayReport::Kind::kFinished, 6s);
  ASSERT_TRUE(finished) << "an endless playlist ends after the pass that was playing";
  EXPECT_EQ(finished->remaining_repeats, 0);
}

TEST(LibavRelayRunnerTest, StopReturnsAtOnceAndTheStoppedAttemptReportsNoFailure) {
  RelayJob job;
  job.task_id = "task-2";
  job.source_type = "live";
  job.source_protocol = "rtmp";
  // A listener that never answers: the RTMP handshake blocks until the 60 s timeout.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  job.source_urls = {"rtmp://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/a/x"};
  job.dst_url = "rtmp://127.0.0.1:1/b/x";
  LibavRelayRunner runner(RelayTimeouts{60s, 60s});
  Reports reports;
  runner.Start(job, reports.Fn());
  std::this_thread::sleep_for(300ms);
  const auto asked = std::chrono::steady_clock::now();
  runner.Stop("task-2");
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 100ms) << "Stop must not block";
  runner.Stop("unknown-task");
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(reports.Count(), 0u);
  EXPECT_EQ(runner.PipelineCountForTest(), 1u) << "joined lazily, not on Stop()";
  runner.Stop("unknown-task");  // reaps the finished pipeline
  EXPECT_EQ(runner.PipelineCountForTest(), 0u);
  close(fd);
}

TEST(LibavRelayRunnerTest, AJobTheWorkerCannotRunFailsWithUnknownError) {
  RelayJob job;
  job.task_id = "task-3";
  job.attempt = 2;
  job.source_type = "vod";
  job.source_urls = {"media-id"};
  job.dst_url = "rtmp://127.0.0.1:1/b/x";
  LibavRelayRunner runner;
  Reports reports;
  runner.Start(job, reports.Fn());
  auto failed = reports.WaitFor(RelayReport::Kind::kFailed, 2s);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->failure, RelayFailure::kUnknownError);
  EXPECT_EQ(failed->attempt, 2u);
}

TEST(LibavRelayRunnerTest, ThePolicyIsCheckedAgainWhenTheRelayConnects) {
  // Stored while the name was public; it resolves to loopback by the time the relay runs.
  UrlPolicy policy;
  policy.resolve = [](const std::string&) { return std::vector<std::string>{"127.0.0.1"}; };
  RelayJob job;
  job.task_id = "task-4";
  job.attempt = 1;
  job.source_type = "live";
  job.source_protocol = "rtmp";
  job.source_urls = {"rtmp://rebound.example.com/live/in"};
  job.dst_url = "rtmp://dst.example.com/live/out";
  LibavRelayRunner runner(RelayTimeouts{}, policy);
  Reports reports;
  runner.Start(job, reports.Fn());
  auto failed = reports.WaitFor(RelayReport::Kind::kFailed, 2s);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->failure, RelayFailure::kPullStreamFailed);
  EXPECT_NE(failed->detail.find("not allowed on this server"), std::string::npos) << failed->detail;
}

}  // namespace
}  // namespace liverec::relay::worker
