#include "relay/relay_scheduler.h"

#include <gtest/gtest.h>

#include "metadata/tenant_repository.h"
#include "relay/task_commands.h"
#include "testing/test_database.h"

namespace liverec::relay {
namespace {

constexpr int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;

RelayTask MakeTask(const std::string& id, const std::string& type = "live") {
  RelayTask t;
  t.account_id = "acct";
  t.task_id = id;
  t.region = "cn-shanghai";
  t.start_time_ms = kNow + 10 * kMinute;
  t.end_time_ms = kNow + 2 * kHour;
  t.source_type = type;
  if (type == "live") {
    t.source_protocol = "rtmp";
    t.source_urls = {"rtmp://src.example.com/live/in"};
  } else {
    t.source_urls = {"http://files.example.com/a.mp4", "http://files.example.com/b.flv"};
    t.repeat_number = 2;
    t.file_index = 1;
    t.offset_s = 30;
    ResetProgress(t);
  }
  t.dst_url = "rtmp://dst.example.com/live/out";
  t.retry_count = 2;
  t.retry_interval_s = 60;
  return t;
}

RelayReport Report(const RelayJob& job, RelayReport::Kind kind,
                   RelayFailure failure = RelayFailure::kUnknownError) {
  RelayReport r;
  r.task_id = job.task_id;
  r.attempt = job.attempt;
  r.kind = kind;
  r.failure = failure;
  return r;
}

class RelaySchedulerTest : public ::testing::Test {
 protected:
  // Adds the task and moves the clock to its start; returns the first attempt's job.
  RelayJob AddAndStart(const RelayTask& task) {
    EXPECT_TRUE(scheduler_.Upsert(task).start.empty());
    clock_.SetMs(task.start_time_ms);
    SchedulerEffects e = scheduler_.Tick();
    EXPECT_EQ(e.start.size(), 1u);
    return e.start.empty() ? RelayJob{} : e.start.front();
  }
  TaskStatus Status(const std::string& id) { return StatusOf(*scheduler_.Find(id)); }

  FakeClock clock_{kNow};
  RelayScheduler scheduler_{clock_, SchedulerOptions{}};
};

TEST_F(RelaySchedulerTest, StartsAnIdleTaskAtItsStartTimeAndNotBefore) {
  RelayTask task = MakeTask("t1");
  EXPECT_TRUE(scheduler_.Upsert(task).empty());
  clock_.SetMs(task.start_time_ms - 1);
  EXPECT_TRUE(scheduler_.Tick().empty());
  EXPECT_EQ(*scheduler_.NextWakeMs(), task.start_time_ms);
  clock_.SetMs(task.start_time_ms);
  SchedulerEffects e = scheduler_.Tick();
  ASSERT_EQ(e.start.size(), 1u);
  const RelayJob& job = e.start[0];
  EXPECT_EQ(job.task_id, "t1");
  EXPECT_EQ(job.account_id, "acct");
  EXPECT_EQ(job.source_type, "live");
  EXPECT_EQ(job.source_protocol, "rtmp");
  EXPECT_EQ(job.source_urls, task.source_urls);
  EXPECT_EQ(job.dst_url, task.dst_url);
  EXPECT_TRUE(e.save.empty());
  EXPECT_EQ(Status("t1"), TaskStatus::kIdle);  // until the runner says it runs
  EXPECT_TRUE(scheduler_.Tick().empty());      // one attempt at a time

  e = scheduler_.OnReport(Report(job, RelayReport::Kind::kRunning));
  EXPECT_EQ(Status("t1"), TaskStatus::kRunning);
  ASSERT_EQ(e.events.size(), 1u);
  EXPECT_EQ(e.events[0].kind, TaskEvent::Kind::kStatusChanged);
  EXPECT_EQ(e.events[0].task.status, 1);
  ASSERT_EQ(e.save.size(), 1u);
  EXPECT_EQ(e.save[0].status, 1);
}

TEST_F(RelaySchedulerTest, EndTimeStopsTheRelayExitsAndRemovesAfterTheRetention) {
  RelayTask task = MakeTask("t1");
  RelayJob job = AddAndStart(task);
  scheduler_.OnReport(Report(job, RelayReport::Kind::kRunning));
  clock_.SetMs(task.end_time_ms - 1);
  EXPECT_TRUE(scheduler_.Tick().empty());
  clock_.SetMs(task.end_time_ms);
  SchedulerEffects e = scheduler_.Tick();
  EXPECT_EQ(e.stop, std::vector<std::string>{"t1"});
  ASSERT_EQ(e.save.size(), 1u);
  EXPECT_EQ(e.save[0].status, -1);
  EXPECT_EQ(e.save[0].exit_reason, "OverEndTime");
  EXPECT_EQ(e.save[0].exit_time_ms, task.end_time_ms);
  ASSERT_EQ(e.events.size(), 1u);
  EXPECT_EQ(e.events[0].kind, TaskEvent::Kind::kExited);
  // Still known (answerable) during the retention, then removed.
  EXPECT_EQ(*scheduler_.NextWakeMs(), task.end_time_ms + kDefaultExitedRetentionMs);
  clock_.SetMs(task.end_time_ms + kDefaultExitedRetentionMs - 1);
  EXPECT_TRUE(scheduler_.Tick().empty());
  ASSERT_NE(scheduler_.Find("t1"), nullptr);
  clock_.SetMs(task.end_time_ms + kDefaultExitedRetentionMs);
  e = scheduler_.Tick();
  ASSERT_EQ(e.remove.size(), 1u);
  EXPECT_EQ(e.remove[0].task_id, "t1");
  EXPECT_TRUE(e.save.empty());
  EXPECT_EQ(scheduler_.Find("t1"), nullptr);
  // Reports of the stopped attempt change nothing.
  EXPECT_TRUE(scheduler_.OnReport(Report(job, RelayReport::Kind::kFailed)).empty());
}

TEST_F(RelaySchedulerTest, FailuresAreRetriedEveryIntervalThenTheTaskGoesOffline) {
  RelayTask task = MakeTask("t1");  // RetryCount 2, RetryInterval 60 s
  RelayJob job = AddAndStart(task);
  for (int retry = 1; retry <= 2; ++retry) {
    SchedulerEffects e = scheduler_.OnReport(
        Report(job, RelayReport::Kind::kFailed, RelayFailure::kPullStreamFailed));
    EXPECT_EQ(Status("t1"), TaskStatus::kRecovering);
    EXPECT_EQ(scheduler_.Find("t1")->retries_used, retry);
    EXPECT_EQ(e.events.size(), retry == 1 ? 1u : 0u);  // only the change to recovering
    clock_.AdvanceMs(kMinute - 1);
    EXPECT_TRUE(scheduler_.Tick().start.empty());
    clock_.AdvanceMs(1);
    e = scheduler_.Tick();
    ASSERT_EQ(e.start.size(), 1u);
    EXPECT_GT(e.start[0].attempt, job.attempt);
    job = e.start[0];
  }
  SchedulerEffects e =
      scheduler_.OnReport(Report(job, RelayReport::Kind::kFailed, RelayFailure::kPushStreamFailed));
  EXPECT_EQ(Status("t1"), TaskStatus::kOffline);
  EXPECT_EQ(scheduler_.Find("t1")->invalid_reason, "PushStreamFailed");
  ASSERT_EQ(e.events.size(), 1u);
  EXPECT_EQ(e.events[0].task.status, 3);
  clock_.AdvanceMs(10 * kMinute);
  EXPECT_TRUE(scheduler_.Tick().empty());
}

TEST_F(RelaySchedulerTest, AttemptsAreNumberedPerTaskWithoutGaps) {
  RelayTask a = MakeTask("a");
  RelayTask b = MakeTask("b");
  a.retry_count = b.retry_count = 5;
  scheduler_.Upsert(a);
  scheduler_.Upsert(b);
  clock_.SetMs(a.start_time_ms);
  std::map<std::string, std::vector<uint64_t>> numbers;
  std::vector<RelayJob> jobs = scheduler_.Tick().start;
  // Both tasks fail and are retried side by side: each counts its own attempts.
  for (int round = 0; round < 3; ++round) {
    ASSERT_EQ(jobs.size(), 2u);
    for (const auto& job : jobs) {
      numbers[job.task_id].push_back(job.attempt);
      scheduler_.OnReport(Report(job, RelayReport::Kind::kFailed));
    }
    clock_.AdvanceMs(kMinute);
    jobs = scheduler_.Tick().start;
  }
  for (const auto& job : jobs) numbers[job.task_id].push_back(job.attempt);
  // A user restart of the running relay is one more attempt of the same task.
  RelayTask row = *scheduler_.Find("a");
  ASSERT_TRUE(ApplyRestart(row, clock_.NowMs()).value());
  SchedulerEffects e = scheduler_.Upsert(row);
  EXPECT_EQ(e.stop, std::vector<std::string>{"a"});
  ASSERT_EQ(e.start.size(), 1u);
  numbers["a"].push_back(e.start[0].attempt);
  EXPECT_EQ(numbers["a"], (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(numbers["b"], (std::vector<uint64_t>{1, 2, 3, 4}));
}

TEST_F(RelaySchedulerTest, ReportsOfAnAttemptBeforeALoadStayIgnored) {
  RelayJob before = AddAndStart(MakeTask("t1"));
  RelayTask row = *scheduler_.Find("t1");
  SchedulerEffects e = scheduler_.Load({row});
  EXPECT_EQ(e.stop, std::vector<std::string>{"t1"});
  ASSERT_EQ(e.start.size(), 1u);
  EXPECT_EQ(e.start[0].attempt, before.attempt + 1) << "the numbering goes on";
  EXPECT_TRUE(scheduler_.OnReport(Report(before, RelayReport::Kind::kFailed)).empty());
  EXPECT_TRUE(scheduler_.IsAttemptActive("t1"));
}

TEST_F(RelaySchedulerTest, ARunningReportGivesEachOutageItsOwnRetries) {
  RelayTask task = MakeTask("t1");
  task.retry_count = 1;
  RelayJob job = AddAndStart(task);
  for (int outage = 0; outage < 3; ++outage) {
    scheduler_.OnReport(Report(job, RelayReport::Kind::kFailed));
    EXPECT_EQ(Status("t1"), TaskStatus::kRecovering);
    clock_.AdvanceMs(kMinute);
    job = scheduler_.Tick().start.at(0);
    scheduler_.OnReport(Report(job, RelayReport::Kind::kRunning));
    EXPECT_EQ(scheduler_.Find("t1")->retries_used, 0);
  }
  scheduler_.OnReport(Report(job, RelayReport::Kind::kFailed));
  clock_.AdvanceMs(kMinute);
  job = scheduler_.Tick().start.at(0);
  scheduler_.OnReport(Report(job, RelayReport::Kind::kFailed, RelayFailure::kPullStreamFailed));
  EXPECT_EQ(Status("t1"), TaskStatus::kOffline);
  EXPECT_EQ(scheduler_.Find("t1")->invalid_reason, "PullStreamFailed");
}

TEST_F(RelaySchedulerTest, ZeroRetriesGoOfflineAtTheFirstFailure) {
  RelayTask task = MakeTask("t1");
  task.retry_count = 0;
  RelayJob job = AddAndStart(task);
  scheduler_.OnReport(Report(job, RelayReport::Kind::kFailed, RelayFailure::kUnknownError));
  EXPECT_EQ(Status("t1"), TaskStatus::kOffline);
  EXPECT_EQ(scheduler_.Find("t1")->invalid_reason, "UnknownError");
}

TEST_F(RelaySchedulerTest, UrlProgressIsSavedAndARetryResumesFromIt) {
  RelayTask task = MakeTask("t1", "url");
  RelayJob job = AddAndStart(task);
  EXPECT_EQ(job.file_index, 1);
  EXPECT_EQ(job.offset_s, 30);
  EXPECT_EQ(job.repeat_number, 2);
  RelayReport progress = Report(job, RelayReport::Kind::kProgress);
  progress.current_file_index = 0;
  progress.current_offset_s = 12;
  progress.remaining_repeats = 1;
  SchedulerEffects e = scheduler_.OnReport(progress);
  ASSERT_EQ(e.save.size(), 1u);
  EXPECT_EQ(e.save[0].current_file_index, 0);
  EXPECT_EQ(e.save[0].current_offset_s, 12);
  EXPECT_EQ(e.save[0].remaining_repeats, 1);
  EXPECT_TRUE(e.events.empty());
  scheduler_.OnReport(Report(job, RelayReport::Kind::kFailed));
  clock_.AdvanceMs(kMinute);
  RelayJob retry = scheduler_.Tick().start.at(0);
  EXPECT_EQ(retry.file_index, 0);
  EXPECT_EQ(retry.offset_s, 12);
  EXPECT_EQ(retry.repeat_number, 1);
}

TEST_F(RelaySchedulerTest, AFinishedPlaylistGoesOfflineWithoutAReason) {
  RelayJob job = AddAndStart(MakeTask("t1", "url"));
  scheduler_.OnReport(Report(job, RelayReport::Kind::kRunning));
  SchedulerEffects e = scheduler_.OnReport(Report(job, RelayReport::Kind::kFinished));
  EXPECT_EQ(Status("t1"), TaskStatus::kOffline);
  EXPECT_EQ(scheduler_.Find("t1")->invalid_reason, "");
  EXPECT_EQ(e.events.size(), 1u);
  EXPECT_FALSE(scheduler_.IsAttemptActive("t1"));
}

TEST_F(RelaySchedulerTest, AUserStopStopsTheRelayAndKeepsItStopped) {
  RelayJob job = AddAndStart(MakeTask("t1"));
  scheduler_.OnReport(Report(job, RelayReport::Kind::kRunning));
  RelayTask row = *scheduler_.Find("t1");  // as stored after the scheduler's save
  ASSERT_TRUE(ApplyStop(row, clock_.NowMs()));
  SchedulerEffects e = scheduler_.Upsert(row);
  EXPECT_EQ(e.stop, std::vector<std::string>{"t1"});
  EXPECT_TRUE(e.start.empty());
  EXPECT_TRUE(e.save.empty());     // the row says it all
  ASSERT_EQ(e.events.size(), 1u);  // the offline callback, TriggerByUser
  EXPECT_EQ(e.events[0].kind, TaskEvent::Kind::kStatusChanged);
  EXPECT_EQ(StatusOf(e.events[0].task), TaskStatus::kOffline);
  EXPECT_EQ(e.events[0].task.invalid_reason, "TriggerByUser");
  EXPECT_TRUE(scheduler_.Upsert(row).events.empty()) << "the same row again changes nothing";
  EXPECT_EQ(Status("t1"), TaskStatus::kOffline);
  EXPECT_EQ(scheduler_.Find("t1")->invalid_reason, "TriggerByUser");
  clock_.AdvanceMs(10 * kMinute);
  EXPECT_TRUE(scheduler_.Tick().empty());
  EXPECT_TRUE(scheduler_.OnReport(Report(job, RelayReport::Kind::kFailed)).empty());
}

TEST_F(RelaySchedulerTest, AUserRestartStopsAndStartsAgainFromTheConfiguredPosition) {
  RelayJob job = AddAndStart(MakeTask("t1", "url"));
  RelayReport progress = Report(job, RelayReport::Kind::kRunning);
  progress.current_file_index = 0;
  progress.current_offset_s = 99;
  scheduler_.OnReport(progress);
  RelayTask row = *scheduler_.Find("t1");
  ASSERT_TRUE(ApplyRestart(row, clock_.NowMs()).value());
  SchedulerEffects e = scheduler_.Upsert(row);
  EXPECT_EQ(e.stop, std::vector<std::string>{"t1"});
  ASSERT_EQ(e.start.size(), 1u);
  EXPECT_EQ(e.start[0].file_index, 1);
  EXPECT_EQ(e.start[0].offset_s, 30);
  EXPECT_EQ(e.start[0].repeat_number, 2);
  // The old attempt's reports are ignored; the new one's count.
  EXPECT_TRUE(scheduler_.OnReport(Report(job, RelayReport::Kind::kFailed)).empty());
  scheduler_.OnReport(Report(e.start[0], RelayReport::Kind::kRunning));
  EXPECT_EQ(Status("t1"), TaskStatus::kRunning);
}

TEST_F(RelaySchedulerTest, ARepeatNumberChangeReachesTheRunningRelayAtOnce) {
  RelayJob job = AddAndStart(MakeTask("t1", "url"));  // RepeatNumber 2
  RelayReport progress = Report(job, RelayReport::Kind::kRunning);
  progress.remaining_repeats = 1;  // one pass done
  scheduler_.OnReport(progress);
  RelayTask row = *scheduler_.Find("t1");
  TaskUpdate update;
  update.repeat_number = 5;
  update.callback_url = "https://hooks.example.net/relay";
  ASSERT_TRUE(ApplyUpdate(row, update, clock_.NowMs()).ok());
  SchedulerEffects e = scheduler_.Upsert(row);
  ASSERT_EQ(e.set_repeats.size(), 1u);
  EXPECT_EQ(e.set_repeats[0], (std::pair<std::string, int>{"t1", 4}));
  EXPECT_TRUE(e.stop.empty());
  EXPECT_EQ(scheduler_.Find("t1")->callback_url, "https://hooks.example.net/relay");
  EXPECT_EQ(Status("t1"), TaskStatus::kRunning);
}

TEST_F(RelaySchedulerTest, AConflictingRowKeepsTheRelaysStateAndIsSavedAgain) {
  RelayJob job = AddAndStart(MakeTask("t1"));
  SchedulerEffects e = scheduler_.OnReport(Report(job, RelayReport::Kind::kRunning));
  ASSERT_EQ(e.save.size(), 1u);
  EXPECT_EQ(e.save[0].revision, 0);  // compare-and-set against the stored revision
  EXPECT_EQ(scheduler_.Find("t1")->revision, 1);
  // Meanwhile the API changed the stored row (revision 0 -> 1) from an older read, so the
  // scheduler's save failed; the driver passes the row it reads again.
  RelayTask stored = MakeTask("t1");
  stored.callback_url = "https://hooks.example.net/new";
  stored.revision = 1;
  e = scheduler_.Upsert(stored);
  ASSERT_EQ(e.save.size(), 1u);
  EXPECT_EQ(e.save[0].status, 1);
  EXPECT_EQ(e.save[0].callback_url, "https://hooks.example.net/new");
  EXPECT_EQ(e.save[0].revision, 1);
  EXPECT_TRUE(e.stop.empty());
  EXPECT_TRUE(e.start.empty());
}

TEST_F(RelaySchedulerTest, RemoveStopsTheRelayAndReportsAnExitByTheUser) {
  RelayJob job = AddAndStart(MakeTask("t1"));
  SchedulerEffects e = scheduler_.Remove("t1");
  EXPECT_EQ(e.stop, std::vector<std::string>{"t1"});
  ASSERT_EQ(e.events.size(), 1u);
  EXPECT_EQ(e.events[0].kind, TaskEvent::Kind::kExited);
  EXPECT_EQ(e.events[0].task.exit_reason, "TriggerByUser");
  EXPECT_EQ(e.events[0].task.exit_time_ms, clock_.NowMs());
  EXPECT_TRUE(e.save.empty());
  EXPECT_EQ(scheduler_.Find("t1"), nullptr);
  EXPECT_TRUE(scheduler_.OnReport(Report(job, RelayReport::Kind::kRunning)).empty());
}

TEST_F(RelaySchedulerTest, LoadResumesInterruptedTasksAndKeepsTheRest) {
  clock_.SetMs(kNow + 30 * kMinute);
  RelayTask running = MakeTask("running");
  running.status = 1;
  RelayTask waiting = MakeTask("waiting");
  waiting.status = 2;
  waiting.retries_used = 1;
  waiting.next_attempt_ms = clock_.NowMs() + 20'000;
  RelayTask future = MakeTask("future");
  future.start_time_ms = clock_.NowMs() + kHour;
  RelayTask offline = MakeTask("offline");
  offline.status = 3;
  offline.invalid_reason = "PullStreamFailed";
  RelayTask ended = MakeTask("ended");
  ended.end_time_ms = clock_.NowMs() - 1;  // EndTime passed while liverec was down
  RelayTask expired = MakeTask("expired");
  expired.status = -1;
  expired.end_time_ms = clock_.NowMs() - kDefaultExitedRetentionMs;

  SchedulerEffects e = scheduler_.Load({running, waiting, future, offline, ended, expired});
  ASSERT_EQ(e.start.size(), 1u);
  EXPECT_EQ(e.start[0].task_id, "running");
  EXPECT_EQ(Status("running"), TaskStatus::kRecovering);
  EXPECT_EQ(scheduler_.Find("running")->retries_used, 0);
  EXPECT_EQ(Status("ended"), TaskStatus::kExited);
  EXPECT_EQ(scheduler_.Find("ended")->exit_reason, "OverEndTime");
  ASSERT_EQ(e.remove.size(), 1u);
  EXPECT_EQ(e.remove[0].task_id, "expired");
  EXPECT_EQ(Status("offline"), TaskStatus::kOffline);
  EXPECT_EQ(scheduler_.size(), 5u);
  clock_.AdvanceMs(20'000);
  e = scheduler_.Tick();
  ASSERT_EQ(e.start.size(), 1u);
  EXPECT_EQ(e.start[0].task_id, "waiting");
}

TEST_F(RelaySchedulerTest, AdoptResumesATaskAnotherNodeRanAtItsSavedPositionAtOnce) {
  clock_.SetMs(kNow + 30 * kMinute);
  RelayTask task = MakeTask("t1", "url");
  task.status = 1;  // running on the node that died
  task.current_file_index = 0;
  task.current_offset_s = 42;
  task.remaining_repeats = 1;
  SchedulerEffects e = scheduler_.Adopt(task);
  ASSERT_EQ(e.start.size(), 1u);
  EXPECT_EQ(e.start[0].file_index, 0);
  EXPECT_EQ(e.start[0].offset_s, 42);
  EXPECT_EQ(e.start[0].repeat_number, 1);
  EXPECT_EQ(Status("t1"), TaskStatus::kRecovering);
  EXPECT_EQ(scheduler_.Find("t1")->retries_used, 0) << "a takeover is not a retry";
  ASSERT_EQ(e.save.size(), 1u);
  ASSERT_EQ(e.events.size(), 1u);
  EXPECT_EQ(e.events[0].task.status, 2);
  // A recovering task keeps its retry time; an offline one waits for the user.
  RelayTask waiting = MakeTask("t2");
  waiting.status = 2;
  waiting.next_attempt_ms = clock_.NowMs() + 5000;
  EXPECT_TRUE(scheduler_.Adopt(waiting).start.empty());
  RelayTask offline = MakeTask("t3");
  offline.status = 3;
  EXPECT_TRUE(scheduler_.Adopt(offline).empty());
  EXPECT_EQ(scheduler_.size(), 3u);
}

TEST_F(RelaySchedulerTest, ForgetStopsTheRelayQuietlyAndAnAdoptLaterGoesOnNumbering) {
  RelayJob first = AddAndStart(MakeTask("t1"));
  scheduler_.OnReport(Report(first, RelayReport::Kind::kRunning));
  RelayTask row = *scheduler_.Find("t1");
  SchedulerEffects e = scheduler_.Forget("t1");
  EXPECT_EQ(e.stop, std::vector<std::string>{"t1"});
  EXPECT_TRUE(e.save.empty());
  EXPECT_TRUE(e.events.empty());
  EXPECT_EQ(scheduler_.Find("t1"), nullptr);
  EXPECT_TRUE(scheduler_.Forget("t1").empty());
  e = scheduler_.Adopt(row);
  ASSERT_EQ(e.start.size(), 1u);
  EXPECT_EQ(e.start[0].attempt, first.attempt + 1);
  EXPECT_TRUE(scheduler_.OnReport(Report(first, RelayReport::Kind::kFailed)).empty());
  EXPECT_TRUE(scheduler_.IsAttemptActive("t1"));
}

// Server restart: what the scheduler saved is what the next process loads.
TEST_F(RelaySchedulerTest, StateSurvivesARestartThroughTheRepository) {
  auto opened = testing::OpenMigratedSqlite(clock_);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  std::unique_ptr<metadata::SqlDatabase> db = std::move(*opened);
  OsRandom random;
  std::string account = metadata::TenantRepository(*db, clock_, random).EnsureAccount("a")->id;
  metadata::RelayTaskRepository repo(*db);
  auto apply = [&](const SchedulerEffects& e) {
    for (const auto& row : e.save) ASSERT_TRUE(repo.Update(row).ok()) << row.task_id;
    for (const auto& row : e.remove) ASSERT_TRUE(repo.Delete(row.account_id, row.task_id).ok());
  };
  RelayTask a = MakeTask("a", "url"), b = MakeTask("b");
  a.account_id = b.account_id = account;
  b.dst_url = "rtmp://dst.example.com/live/other";
  ASSERT_TRUE(repo.Insert(a, 10, clock_.NowMs()).ok());
  ASSERT_TRUE(repo.Insert(b, 10, clock_.NowMs()).ok());
  apply(scheduler_.Load(*repo.ListAll()));
  clock_.SetMs(a.start_time_ms);
  SchedulerEffects e = scheduler_.Tick();
  ASSERT_EQ(e.start.size(), 2u);
  RelayReport running = Report(e.start[0], RelayReport::Kind::kRunning);
  running.current_file_index = 0;
  running.current_offset_s = 7;
  apply(scheduler_.OnReport(running));
  apply(scheduler_.OnReport(Report(e.start[1], RelayReport::Kind::kFailed)));
  apply(scheduler_.OnReport(Report(e.start[0], RelayReport::Kind::kProgress)));

  RelayScheduler next(clock_, SchedulerOptions{});
  clock_.AdvanceMs(5000);
  e = next.Load(*repo.ListAll());
  ASSERT_EQ(e.start.size(), 1u);  // a resumes at once; b waits for its retry
  EXPECT_EQ(e.start[0].task_id, "a");
  EXPECT_EQ(StatusOf(*next.Find("a")), TaskStatus::kRecovering);
  EXPECT_EQ(StatusOf(*next.Find("b")), TaskStatus::kRecovering);
  EXPECT_EQ(next.Find("b")->retries_used, 1);
  apply(e);
  clock_.SetMs(a.start_time_ms + kMinute);
  e = next.Tick();
  ASSERT_EQ(e.start.size(), 1u);
  EXPECT_EQ(e.start[0].task_id, "b");
  EXPECT_EQ(repo.Find(account, "a")->value().status, 2);
}

}  // namespace
}  // namespace liverec::relay
