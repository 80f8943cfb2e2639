#include "relay/relay_driver.h"

#include <deque>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/log_capture_test_util.h"
#include "callbacks/deliverer.h"
#include "metadata/callback_outbox_repository.h"
#include "metadata/two_account_test_fixture.h"
#include "relay/task_commands.h"

namespace liverec::relay {
namespace {

constexpr int64_t kMinute = 60'000;

// Answers 200 to every callback request and keeps them.
class RecordingSender final : public callbacks::HttpSender {
 public:
  Result<net::HttpClientResponse> Send(const net::HttpClientRequest& request) override {
    requests.push_back(request);
    return net::HttpClientResponse{200, "ok"};
  }
  std::vector<net::HttpClientRequest> requests;
};

// Records the runner calls; reports are sent by the test through the stored ReportFn.
class FakeRunner final : public RelayRunner {
 public:
  void Start(const RelayJob& job, ReportFn report) override {
    started.push_back(job);
    reporters[job.task_id] = std::move(report);
  }
  void Stop(const std::string& task_id) override { stopped.push_back(task_id); }
  void SetRemainingRepeats(const std::string& task_id, int remaining) override {
    repeats.emplace_back(task_id, remaining);
  }
  void Send(const RelayJob& job, RelayReport::Kind kind,
            RelayFailure failure = RelayFailure::kPullStreamFailed) {
    RelayReport r;
    r.task_id = job.task_id;
    r.attempt = job.attempt;
    r.kind = kind;
    r.failure = failure;
    reporters.at(job.task_id)(r);
  }

  // url sources: playback moved on to file `index` of the job's list.
  void SendItemSwitch(const RelayJob& job, int index, int remaining_repeats) {
    RelayReport r;
    r.task_id = job.task_id;
    r.attempt = job.attempt;
    r.kind = RelayReport::Kind::kItemSwitched;
    r.current_file_index = index;
    r.remaining_repeats = remaining_repeats;
    r.current_file_url = job.source_urls.at(static_cast<size_t>(index));
    reporters.at(job.task_id)(r);
  }

  std::vector<RelayJob> started;
  std::vector<std::string> stopped;
  std::vector<std::pair<std::string, int>> repeats;
  std::map<std::string, ReportFn> reporters;
};

class RelayDriverTest : public metadata::TwoAccountDatabaseTest {
 protected:
  void SetUp() override {
    TwoAccountDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    tasks_ = std::make_unique<metadata::RelayTaskRepository>(*db_);
    outbox_rows_ = std::make_unique<metadata::CallbackOutboxRepository>(*db_);
    outbox_ = std::make_unique<callbacks::Outbox>(*outbox_rows_, clock_, random_);
    driver_ = MakeDriver();
  }

  std::unique_ptr<RelayDriver> MakeDriver() {
    return std::make_unique<RelayDriver>(
        RelayDriverDependencies{*tasks_, runner_, outbox_.get(), clock_, SchedulerOptions{},
                                [this](std::function<void()> task) {
                                  std::lock_guard lock(queue_mutex_);
                                  queue_.push_back(std::move(task));
                                },
                                [this](std::optional<int64_t> at) { wake_ = at; }});
  }

  // Runs what was posted, as the server's strand would, one task at a time.
  void Drain() {
    for (;;) {
      std::function<void()> task;
      {
        std::lock_guard lock(queue_mutex_);
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }

  RelayTask Insert(const std::string& dst, const std::string& callback = "http://hooks.test/r") {
    RelayTask t;
    t.account_id = account_a_;
    t.task_id = "task-" + std::to_string(++made_);
    t.region = "cn-shanghai";
    t.start_time_ms = clock_.NowMs() + kMinute;
    t.end_time_ms = clock_.NowMs() + 60 * kMinute;
    t.source_type = "live";
    t.source_protocol = "rtmp";
    t.source_urls = {"rtmp://src.test/live/in"};
    t.dst_url = dst;
    t.callback_url = callback;
    t.retry_count = 1;
    t.retry_interval_s = 60;
    EXPECT_TRUE(tasks_->Insert(t, 100, clock_.NowMs()).ok());
    return t;
  }

  RelayTask Stored(const RelayTask& t) { return tasks_->Find(t.account_id, t.task_id)->value(); }

  // A url task of two files that calls back at each new file, signed with its own key.
  RelayTask InsertSignedPlaylist(const std::string& dst, bool notify_item_switch) {
    RelayTask t;
    t.account_id = account_a_;
    t.task_id = "task-" + std::to_string(++made_);
    t.region = "cn-shanghai";
    t.start_time_ms = clock_.NowMs() + kMinute;
    t.end_time_ms = clock_.NowMs() + 60 * kMinute;
    t.source_type = "url";
    t.source_urls = {"http://files.test/a.mp4", "http://files.test/b.flv"};
    t.dst_url = dst;
    t.callback_url = "https://hooks.test:8443/relay";
    t.req_auth = true;
    t.auth_key = "RelayKey0123456789";
    t.notify_item_switch = notify_item_switch;
    t.repeat_number = 1;
    t.remaining_repeats = 1;
    EXPECT_TRUE(tasks_->Insert(t, 100, clock_.NowMs()).ok());
    return t;
  }

  // The relay callbacks enqueued so far, oldest first, as stored in the outbox.
  std::vector<metadata::CallbackEventRow> OutboxRows() {
    auto rows = outbox_rows_->ListDue(clock_.NowMs() + 1, 100);
    EXPECT_TRUE(rows.has_value());
    return rows ? *rows : std::vector<metadata::CallbackEventRow>{};
  }

  // The bodies of the relay callbacks enqueued so far, oldest first.
  std::vector<nlohmann::json> Callbacks() {
    std::vector<nlohmann::json> out;
    auto rows = outbox_rows_->ListDue(clock_.NowMs() + 1, 100);
    EXPECT_TRUE(rows.has_value());
    if (!rows) return out;
    for (const auto& row : *rows) {
      out.push_back(nlohmann::json::parse(row.body));
      out.back()["kind"] = row.kind;
      out.back()["url"] = row.url;
    }
    return out;
  }

  FakeRunner runner_;
  std::mutex queue_mutex_;
  std::deque<std::function<void()>> queue_;
  std::optional<int64_t> wake_;
  std::unique_ptr<metadata::RelayTaskRepository> tasks_;
  std::unique_ptr<metadata::CallbackOutboxRepository> outbox_rows_;
  std::unique_ptr<callbacks::Outbox> outbox_;
  std::unique_ptr<RelayDriver> driver_;
  int made_ = 0;
};

TEST_P(RelayDriverTest, AStoredTaskStartsAtItsStartTimeAndItsStatusIsSavedAndCalledBack) {
  RelayTask task = Insert("rtmp://dst.test/live/a");
  driver_->Start();
  Drain();
  EXPECT_TRUE(runner_.started.empty());
  ASSERT_TRUE(wake_.has_value());
  EXPECT_EQ(*wake_, task.start_time_ms);

  clock_.SetMs(*wake_);
  driver_->Tick();
  Drain();
  ASSERT_EQ(runner_.started.size(), 1u);
  EXPECT_EQ(runner_.started[0].dst_url, "rtmp://dst.test/live/a");
  runner_.Send(runner_.started[0], RelayReport::Kind::kRunning);
  Drain();
  EXPECT_EQ(Stored(task).status, 1);
  auto callbacks = Callbacks();
  ASSERT_EQ(callbacks.size(), 1u);
  EXPECT_EQ(callbacks[0]["Event"], "LivePullToPushRunning");
  EXPECT_EQ(callbacks[0]["TaskStatus"], 1);
  EXPECT_EQ(callbacks[0]["TaskId"], task.task_id);
  EXPECT_EQ(callbacks[0]["TaskInfo"]["DstUrl"], "rtmp://dst.test/live/a");
  EXPECT_EQ(callbacks[0]["EventTime"], std::to_string(clock_.NowMs() / 1000));
  EXPECT_FALSE(callbacks[0].contains("TaskInvalidReason"));
  EXPECT_EQ(callbacks[0]["kind"], "relay_status");
  EXPECT_EQ(callbacks[0]["url"], "http://hooks.test/r");
}

TEST_P(RelayDriverTest, EachNewFileOfAPlaylistIsCalledBackSignedWithTheTasksAuthKey) {
  RelayTask task = InsertSignedPlaylist("rtmp://dst.test/live/a", true);
  clock_.SetMs(task.start_time_ms);
  driver_->Start();
  Drain();
  ASSERT_EQ(runner_.started.size(), 1u);
  const RelayJob job = runner_.started[0];
  runner_.Send(job, RelayReport::Kind::kRunning);
  Drain();
  clock_.AdvanceMs(4'000);
  runner_.SendItemSwitch(job, 1, 1);  // a.mp4 played: b.flv
  Drain();
  RelayTask stored = Stored(task);
  EXPECT_EQ(stored.current_file_index, 1) << "the new position is saved at once";
  EXPECT_EQ(stored.current_offset_s, 0);
  clock_.AdvanceMs(3'000);
  runner_.SendItemSwitch(job, 0, 0);  // the repeat starts: a.mp4 again, no more passes after
  Drain();
  EXPECT_EQ(Stored(task).current_file_index, 0);
  EXPECT_EQ(Stored(task).remaining_repeats, 0);

  auto rows = OutboxRows();
  ASSERT_EQ(rows.size(), 3u);  // running, two switches
  for (const auto& row : rows) {
    EXPECT_EQ(row.sign_key, "RelayKey0123456789") << row.kind << ": signed with the AuthKey";
    EXPECT_EQ(row.sign_host, "") << "over the CallbackUrl's host, as recording callbacks";
    EXPECT_EQ(row.url, "https://hooks.test:8443/relay");
    auto body = nlohmann::json::parse(row.body);
    EXPECT_FALSE(body["TaskInfo"].contains("AuthKey")) << "the key never travels in a callback";
    EXPECT_EQ(body["TaskInfo"]["ReqAuth"], "yes");
    EXPECT_EQ(body["TaskInfo"]["NotifyItemSwitch"], "yes");
  }
  EXPECT_EQ(rows[0].kind, "relay_status");
  EXPECT_EQ(rows[1].kind, "relay_item_switch");
  EXPECT_EQ(rows[2].kind, "relay_item_switch");
  auto first = nlohmann::json::parse(rows[1].body);
  EXPECT_EQ(first["Event"], "LivePullToPushItemSwitch");
  EXPECT_EQ(first["EventTime"], std::to_string((task.start_time_ms + 4'000) / 1000));
  EXPECT_EQ(first["TaskId"], task.task_id);
  EXPECT_EQ(first["TaskStatus"], 1);
  EXPECT_EQ(first["CurrentFileIndex"], 1);
  EXPECT_EQ(first["CurrentFileUrl"], "http://files.test/b.flv");
  EXPECT_EQ(first["RemainingRepeats"], 1);
  EXPECT_FALSE(first.contains("TaskInvalidReason"));
  auto second = nlohmann::json::parse(rows[2].body);
  EXPECT_EQ(second["CurrentFileIndex"], 0);
  EXPECT_EQ(second["CurrentFileUrl"], "http://files.test/a.mp4");
  EXPECT_EQ(second["RemainingRepeats"], 0);
  EXPECT_EQ(second["EventTime"], std::to_string((task.start_time_ms + 7'000) / 1000));

  // Delivered as recording callbacks are: md5("<host>|<timestamp>|<key>"), the host without
  // its port. 2026-01-01T00:01:07Z = 1767225667.
  ASSERT_EQ(clock_.NowMs(), 1'767'225'667'000);
  RecordingSender sender;
  callbacks::Deliverer deliverer(*outbox_rows_, sender, clock_, callbacks::DeliveryOptions{});
  ASSERT_EQ(deliverer.RunOnce().value_or(-1), 3);
  ASSERT_EQ(sender.requests.size(), 3u);
  for (const auto& request : sender.requests) {
    EXPECT_EQ(request.headers.at("ALI-LIVE-TIMESTAMP"), "1767225667");
    EXPECT_EQ(request.headers.at("ALI-LIVE-SIGNATURE"), "46d266f21b4e3fbf60095cfe4c5c4031");
  }
  EXPECT_EQ(sender.requests[1].headers.at("X-Liverec-Event-Kind"), "relay_item_switch");
}

TEST_P(RelayDriverTest, WithoutNotifyItemSwitchANewFileIsSavedButNotCalledBack) {
  RelayTask task = InsertSignedPlaylist("rtmp://dst.test/live/a", false);
  clock_.SetMs(task.start_time_ms);
  driver_->Start();
  Drain();
  const RelayJob job = runner_.started.at(0);
  runner_.Send(job, RelayReport::Kind::kRunning);
  Drain();
  runner_.SendItemSwitch(job, 1, 1);
  Drain();
  EXPECT_EQ(Stored(task).current_file_index, 1);
  auto rows = OutboxRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, "relay_status");
  EXPECT_EQ(rows[0].sign_key, "RelayKey0123456789");

  // NotifyItemSwitch turned on while the task runs applies from the next file on.
  RelayTask changed = Stored(task);
  changed.notify_item_switch = true;
  ASSERT_TRUE(tasks_->Update(changed).ok());
  changed.revision += 1;
  driver_->TaskChanged(changed);
  Drain();
  runner_.SendItemSwitch(job, 0, 0);
  Drain();
  rows = OutboxRows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].kind, "relay_item_switch");
  EXPECT_TRUE(runner_.stopped.empty()) << "the change does not interrupt the relay";
}

TEST_P(RelayDriverTest, CallbacksOfATaskWithoutReqAuthAreUnsigned) {
  RelayTask task = Insert("rtmp://dst.test/live/a");
  RelayTask keyed = Stored(task);
  keyed.auth_key = "RelayKey0123456789";  // a key alone signs nothing
  ASSERT_TRUE(tasks_->Update(keyed).ok());
  clock_.SetMs(task.start_time_ms);
  driver_->Start();
  Drain();
  runner_.Send(runner_.started.at(0), RelayReport::Kind::kRunning);
  Drain();
  auto rows = OutboxRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].sign_key, "");
  EXPECT_EQ(nlohmann::json::parse(rows[0].body)["TaskInfo"]["ReqAuth"], "no");
}

TEST_P(RelayDriverTest, FailuresRecoverThenGoOfflineWithTheReasonInTheRowAndTheCallbacks) {
  RelayTask task = Insert("rtmp://dst.test/live/a");
  clock_.SetMs(task.start_time_ms);
  driver_->Start();
  Drain();
  ASSERT_EQ(runner_.started.size(), 1u);
  runner_.Send(runner_.started[0], RelayReport::Kind::kFailed);
  Drain();
  EXPECT_EQ(Stored(task).status, 2);
  EXPECT_EQ(*wake_, clock_.NowMs() + 60'000);
  clock_.SetMs(*wake_);
  driver_->Tick();
  Drain();
  ASSERT_EQ(runner_.started.size(), 2u);
  runner_.Send(runner_.started[1], RelayReport::Kind::kFailed, RelayFailure::kPushStreamFailed);
  Drain();
  RelayTask stored = Stored(task);
  EXPECT_EQ(stored.status, 3);
  EXPECT_EQ(stored.invalid_reason, "PushStreamFailed");
  auto callbacks = Callbacks();
  ASSERT_EQ(callbacks.size(), 2u);
  EXPECT_EQ(callbacks[0]["TaskStatus"], 2);
  EXPECT_EQ(callbacks[1]["TaskStatus"], 3);
  EXPECT_EQ(callbacks[1]["TaskInvalidReason"], "PushStreamFailed");
}

TEST_P(RelayDriverTest, EveryAttemptIsLoggedWithItsTasksOwnConsecutiveNumber) {
  LogCapture log;
  RelayTask a = Insert("rtmp://dst.test/live/a");  // RetryCount 1
  RelayTask b = Insert("rtmp://dst.test/live/b");
  clock_.SetMs(a.start_time_ms);
  driver_->Start();
  Drain();
  ASSERT_EQ(runner_.started.size(), 2u);
  // Both fail side by side, are retried, and fail again.
  for (const auto& job : runner_.started) runner_.Send(job, RelayReport::Kind::kFailed);
  Drain();
  clock_.SetMs(*wake_);
  driver_->Tick();
  Drain();
  ASSERT_EQ(runner_.started.size(), 4u);
  runner_.Send(runner_.started[2], RelayReport::Kind::kFailed);
  runner_.Send(runner_.started[3], RelayReport::Kind::kFailed);
  Drain();
  for (const auto& task : {a, b}) {
    const std::string prefix = "relay: task " + task.task_id + " attempt ";
    EXPECT_EQ(log.Lines(task.task_id + " attempt"),
              (std::vector<std::string>{prefix + "1 starting", prefix + "1 failed: ",
                                        prefix + "2 starting", prefix + "2 failed: "}))
        << task.task_id;
  }
}

TEST_P(RelayDriverTest, AnApiChangeThatRacesTheSchedulersSaveIsMergedNotLost) {
  RelayTask task = Insert("rtmp://dst.test/live/a");
  clock_.SetMs(task.start_time_ms);
  driver_->Start();
  Drain();
  // The API stores a change (new CallbackUrl) before the scheduler saves the running state.
  RelayTask changed = Stored(task);
  changed.callback_url = "http://hooks.test/new";
  ASSERT_TRUE(tasks_->Update(changed).ok());
  runner_.Send(runner_.started[0], RelayReport::Kind::kRunning);
  Drain();
  RelayTask stored = Stored(task);
  EXPECT_EQ(stored.status, 1) << "the scheduler's state is saved";
  EXPECT_EQ(stored.callback_url, "http://hooks.test/new") << "the user's change is kept";
  // The listener's late notice of the same change changes nothing more.
  changed.revision += 1;
  driver_->TaskChanged(changed);
  Drain();
  EXPECT_EQ(Stored(task).status, 1);
  EXPECT_EQ(Stored(task).callback_url, "http://hooks.test/new");
}

TEST_P(RelayDriverTest, UserStopAndDeleteStopTheRelayAndAreCalledBack) {
  RelayTask a = Insert("rtmp://dst.test/live/a");
  RelayTask b = Insert("rtmp://dst.test/live/b", "");  // no callbacks
  clock_.SetMs(a.start_time_ms);
  driver_->Start();
  Drain();
  ASSERT_EQ(runner_.started.size(), 2u);
  for (const auto& job : runner_.started) runner_.Send(job, RelayReport::Kind::kRunning);
  Drain();

  RelayTask stopped = Stored(a);
  ASSERT_TRUE(ApplyStop(stopped, clock_.NowMs()));
  ASSERT_TRUE(tasks_->Update(stopped).ok());
  stopped.revision += 1;
  driver_->TaskChanged(stopped);
  RelayTask deleted = Stored(b);
  ASSERT_TRUE(tasks_->Delete(b.account_id, b.task_id).ok());
  driver_->TaskDeleted(deleted);
  Drain();
  EXPECT_EQ(runner_.stopped, (std::vector<std::string>{a.task_id, b.task_id}));
  EXPECT_EQ(Stored(a).status, 3);
  auto callbacks = Callbacks();
  ASSERT_EQ(callbacks.size(), 2u);  // a: running, offline by the user; b: none
  EXPECT_EQ(callbacks[1]["TaskStatus"], 3);
  EXPECT_EQ(callbacks[1]["TaskInvalidReason"], "TriggerByUser");
}

TEST_P(RelayDriverTest, EndTimeExitsWithACallbackAndTheRetentionRemovesTheRow) {
  RelayTask task = Insert("rtmp://dst.test/live/a");
  clock_.SetMs(task.start_time_ms);
  driver_->Start();
  Drain();
  runner_.Send(runner_.started[0], RelayReport::Kind::kRunning);
  Drain();
  EXPECT_EQ(*wake_, task.end_time_ms);
  clock_.SetMs(task.end_time_ms);
  driver_->Tick();
  Drain();
  EXPECT_EQ(runner_.stopped, std::vector<std::string>{task.task_id});
  EXPECT_EQ(Stored(task).status, -1);
  auto callbacks = Callbacks();
  ASSERT_EQ(callbacks.size(), 2u);
  EXPECT_EQ(callbacks[1]["Event"], "LivePullToPushExit");
  EXPECT_EQ(callbacks[1]["TaskStatus"], -1);
  EXPECT_EQ(callbacks[1]["TaskExitReason"], "OverEndTime");
  EXPECT_EQ(callbacks[1]["TaskExitTime"], task.end_time_ms / 1000);
  EXPECT_EQ(callbacks[1]["kind"], "relay_exit");

  clock_.SetMs(*wake_);  // end + the retention
  driver_->Tick();
  Drain();
  EXPECT_FALSE(tasks_->Find(task.account_id, task.task_id)->has_value());
  EXPECT_FALSE(wake_.has_value());
}

TEST_P(RelayDriverTest, ShutdownStopsTheRelaysKeepsTheirStateAndIgnoresLateReports) {
  RelayTask task = Insert("rtmp://dst.test/live/a");
  clock_.SetMs(task.start_time_ms);
  driver_->Start();
  Drain();
  runner_.Send(runner_.started[0], RelayReport::Kind::kRunning);
  Drain();
  // Shutdown waits for the executor: run it from a second thread while this one drains.
  std::thread stopper([this] { driver_->Shutdown(); });
  while (runner_.stopped.empty()) Drain();
  stopper.join();
  EXPECT_EQ(runner_.stopped, std::vector<std::string>{task.task_id});
  runner_.Send(runner_.started[0], RelayReport::Kind::kFailed);
  Drain();
  EXPECT_EQ(Stored(task).status, 1) << "a restart resumes the relay";

  auto next = MakeDriver();  // the next process
  runner_.started.clear();
  next->Start();
  Drain();
  ASSERT_EQ(runner_.started.size(), 1u);
  EXPECT_EQ(Stored(task).status, 2);
}

// The driver's saves (compare-and-set, transactions) on both backends.
LIVEREC_ON_BOTH_BACKENDS(RelayDriverTest);

}  // namespace
}  // namespace liverec::relay
