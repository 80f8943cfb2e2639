// RelayDriver in cluster mode: two or three drivers ("nodes") on one database and one fake clock,
// each with its own runner and its own leases, driven by hand as their strands would be.
#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "metadata/callback_outbox_repository.h"
#include "metadata/two_account_test_fixture.h"
#include "relay/relay_claims.h"
#include "relay/relay_driver.h"
#include "relay/task_commands.h"

namespace liverec::relay {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kLeaseMs = 10'000;
constexpr int64_t kPollMs = 1'000;

class FakeRunner final : public RelayRunner {
 public:
  void Start(const RelayJob& job, ReportFn report) override {
    started.push_back(job);
    running.insert(job.task_id);
    reporters[job.task_id] = std::move(report);
  }
  void Stop(const std::string& task_id) override { running.erase(task_id); }
  void SetRemainingRepeats(const std::string&, int) override {}
  void Report(const std::string& task_id, RelayReport::Kind kind, int file = 0,
              int64_t offset = 0) {
    const RelayJob* job = nullptr;
    for (const auto& j : started) {
      if (j.task_id == task_id) job = &j;
    }
    ASSERT_NE(job, nullptr) << task_id;
    RelayReport r;
    r.task_id = task_id;
    r.attempt = job->attempt;
    r.kind = kind;
    r.current_file_index = file;
    r.current_offset_s = offset;
    r.remaining_repeats = -1;
    reporters.at(task_id)(r);
  }

  std::vector<RelayJob> started;
  std::set<std::string> running;
  std::map<std::string, ReportFn> reporters;
};

// One node: its leases, runner, strand (a queue) and driver.
struct Node {
  Node(metadata::SqlDatabase& db, metadata::RelayTaskRepository& tasks, callbacks::Outbox& outbox,
       const Clock& clock, const std::string& holder, const int64_t& live_nodes)
      : lease_store(db, clock),
        leases(lease_store, clock,
               RelayLeaseOptions{holder, "", kLeaseMs, 0, 2 * kPollMs,
                                 [&live_nodes] { return live_nodes; }}),
        driver(RelayDriverDependencies{tasks, runner, &outbox, clock, SchedulerOptions{},
                                       [this](std::function<void()> task) {
                                         std::lock_guard lock(mutex);
                                         queue.push_back(std::move(task));
                                       },
                                       [](std::optional<int64_t>) {}, &leases, kPollMs}) {}

  void Drain() {
    for (;;) {
      std::function<void()> task;
      {
        std::lock_guard lock(mutex);
        if (queue.empty()) return;
        task = std::move(queue.front());
        queue.pop_front();
      }
      task();
    }
  }

  metadata::LeaseRepository lease_store;
  RelayLeases leases;
  FakeRunner runner;
  std::mutex mutex;
  std::deque<std::function<void()>> queue;
  RelayDriver driver;
};

class RelayDriverClusterTest : public metadata::TwoAccountDatabaseTest {
 protected:
  void SetUp() override {
    TwoAccountDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    tasks_ = std::make_unique<metadata::RelayTaskRepository>(*db_);
    outbox_rows_ = std::make_unique<metadata::CallbackOutboxRepository>(*db_);
    outbox_ = std::make_unique<callbacks::Outbox>(*outbox_rows_, clock_, random_);
  }

  Node& AddNode(const std::string& holder) {
    nodes_.push_back(std::make_unique<Node>(*db_, *tasks_, *outbox_, clock_, holder, live_nodes_));
    return *nodes_.back();
  }

  RelayTask Insert(const std::string& type = "live") {
    RelayTask t;
    t.account_id = account_a_;
    t.task_id = "task-" + std::to_string(++made_);
    t.region = "cn-shanghai";
    t.start_time_ms = clock_.NowMs();
    t.end_time_ms = clock_.NowMs() + 60 * kMinute;
    t.source_type = type;
    t.source_protocol = type == "live" ? "rtmp" : "";
    t.source_urls = {"rtmp://src.test/live/in"};
    t.dst_url = "rtmp://dst.test/live/" + t.task_id;
    t.callback_url = "http://hooks.test/r";
    t.repeat_number = -1;
    t.created_at_ms = t.updated_at_ms = clock_.NowMs();
    ResetProgress(t);
    EXPECT_TRUE(tasks_->Insert(t, 100, clock_.NowMs()).ok());
    return t;
  }

  RelayTask Stored(const RelayTask& t) { return tasks_->Find(t.account_id, t.task_id)->value(); }

  // Every node's Tick, as their timers would call it, then their strands.
  void TickAll(const std::vector<Node*>& nodes) {
    for (Node* node : nodes) {
      node->driver.Tick();
      node->Drain();
    }
  }

  std::vector<int64_t> CallbackStatuses(const std::string& task_id) {
    std::vector<int64_t> out;
    auto rows = outbox_rows_->ListDue(clock_.NowMs() + 1, 100);
    EXPECT_TRUE(rows.has_value());
    if (!rows) return out;
    for (const auto& row : *rows) {
      auto body = nlohmann::json::parse(row.body);
      if (body["TaskId"] == task_id) out.push_back(body.value("TaskStatus", 99));
    }
    return out;
  }

  int64_t live_nodes_ = 1;
  std::unique_ptr<metadata::RelayTaskRepository> tasks_;
  std::unique_ptr<metadata::CallbackOutboxRepository> outbox_rows_;
  std::unique_ptr<callbacks::Outbox> outbox_;
  std::vector<std::unique_ptr<Node>> nodes_;
  int made_ = 0;
};

TEST_P(RelayDriverClusterTest, TasksSpreadOverTheNodesAndEachRunsOnOneNodeOnly) {
  live_nodes_ = 3;
  Node& a = AddNode("a");
  Node& b = AddNode("b");
  Node& c = AddNode("c");
  std::vector<RelayTask> tasks;
  for (int i = 0; i < 6; ++i) tasks.push_back(Insert());
  for (Node* node : {&a, &b, &c}) {
    node->driver.Start();
    node->Drain();
  }
  for (Node* node : {&a, &b, &c}) EXPECT_EQ(node->runner.running.size(), 2u);
  std::set<std::string> running;
  for (Node* node : {&a, &b, &c})
    running.insert(node->runner.running.begin(), node->runner.running.end());
  EXPECT_EQ(running.size(), 6u) << "every task runs, and on one node";
  // Later passes change nothing.
  clock_.AdvanceMs(kLeaseMs / 2);
  TickAll({&a, &b, &c});
  clock_.AdvanceMs(kLeaseMs / 2);
  TickAll({&a, &b, &c});
  size_t started = a.runner.started.size() + b.runner.started.size() + c.runner.started.size();
  EXPECT_EQ(started, 6u);
}

TEST_P(RelayDriverClusterTest, ADeadHoldersPlaylistResumesOnAnotherNodeAtItsSavedPosition) {
  live_nodes_ = 2;
  Node& a = AddNode("a");
  RelayTask task = Insert("url");
  a.driver.Start();
  a.Drain();
  ASSERT_EQ(a.runner.running.size(), 1u);
  a.runner.Report(task.task_id, RelayReport::Kind::kRunning, 0, 0);
  a.runner.Report(task.task_id, RelayReport::Kind::kProgress, 1, 37);
  a.Drain();
  EXPECT_EQ(Stored(task).current_offset_s, 37);
  Node& b = AddNode("b");
  b.driver.Start();
  b.Drain();
  EXPECT_TRUE(b.runner.started.empty()) << "held by a";

  // a stops renewing (killed or paused). Once its lease lapsed and the grace passed, b takes
  // the task over (the dead node may still count as live) and resumes it where it was saved.
  int64_t died_at = clock_.NowMs();
  while (b.runner.started.empty() && clock_.NowMs() < died_at + kLeaseMs + 5 * kPollMs) {
    clock_.AdvanceMs(kPollMs);
    TickAll({&b});
  }
  ASSERT_EQ(b.runner.started.size(), 1u);
  EXPECT_LE(clock_.NowMs() - died_at, kLeaseMs + 3 * kPollMs);
  EXPECT_EQ(b.runner.started[0].file_index, 1);
  EXPECT_EQ(b.runner.started[0].offset_s, 37);
  EXPECT_EQ(Stored(task).status, 2);
  b.runner.Report(task.task_id, RelayReport::Kind::kRunning, 1, 36);
  b.Drain();
  EXPECT_EQ(Stored(task).status, 1);

  // a wakes up: its late progress is fenced out, its relay stops, it sends no callback.
  a.runner.Report(task.task_id, RelayReport::Kind::kProgress, 1, 99);
  a.Drain();
  EXPECT_TRUE(a.runner.running.empty());
  EXPECT_EQ(Stored(task).current_offset_s, 36);
  EXPECT_EQ(CallbackStatuses(task.task_id), (std::vector<int64_t>{1, 2, 1}));
  for (int i = 0; i < 12; ++i) {
    clock_.AdvanceMs(kPollMs);
    TickAll({&b, &a});
  }
  EXPECT_TRUE(a.runner.running.empty()) << "a does not take it back";
  EXPECT_EQ(b.runner.running.size(), 1u);
}

TEST_P(RelayDriverClusterTest, AStopThroughAnotherNodeReachesTheHolderWithinAPoll) {
  live_nodes_ = 2;
  Node& a = AddNode("a");
  Node& b = AddNode("b");
  RelayTask task = Insert();
  a.driver.Start();
  a.Drain();
  b.driver.Start();
  b.Drain();
  ASSERT_EQ(a.runner.running.size(), 1u);
  a.runner.Report(task.task_id, RelayReport::Kind::kRunning);
  a.Drain();
  // The API of node b stores the stop and tells b's driver, which does not hold the task.
  RelayTask stopped = Stored(task);
  ASSERT_TRUE(ApplyStop(stopped, clock_.NowMs()));
  ASSERT_TRUE(tasks_->Update(stopped).ok());
  stopped.revision += 1;
  b.driver.TaskChanged(stopped);
  b.Drain();
  EXPECT_EQ(a.runner.running.size(), 1u);
  clock_.AdvanceMs(kPollMs);
  TickAll({&a, &b});
  EXPECT_TRUE(a.runner.running.empty());
  EXPECT_TRUE(b.runner.started.empty());
  EXPECT_EQ(Stored(task).status, 3);
  EXPECT_EQ(CallbackStatuses(task.task_id), (std::vector<int64_t>{1, 3})) << "sent once";
  // A restart through b reaches a the same way; a delete ends with one exit callback.
  RelayTask restarted = Stored(task);
  ASSERT_TRUE(ApplyRestart(restarted, clock_.NowMs()).value());
  ASSERT_TRUE(tasks_->Update(restarted).ok());
  clock_.AdvanceMs(kPollMs);
  TickAll({&a, &b});
  EXPECT_EQ(a.runner.running.size(), 1u);
  ASSERT_TRUE(tasks_->Delete(task.account_id, task.task_id).ok());
  clock_.AdvanceMs(kPollMs);
  TickAll({&a, &b});
  EXPECT_TRUE(a.runner.running.empty());
  EXPECT_EQ(CallbackStatuses(task.task_id), (std::vector<int64_t>{1, 3, -1}));
  EXPECT_FALSE(a.leases.Holds(task.task_id));
}

TEST_P(RelayDriverClusterTest, AShutdownReleasesTheTasksAndAnotherNodeResumesThemAtOnce) {
  Node& a = AddNode("a");
  Node& b = AddNode("b");
  RelayTask task = Insert();
  a.driver.Start();
  a.Drain();
  a.runner.Report(task.task_id, RelayReport::Kind::kRunning);
  a.Drain();
  b.driver.Start();
  b.Drain();
  EXPECT_TRUE(b.runner.started.empty());
  // Shutdown posts to the strand and waits: run it on a thread while this one drains.
  std::atomic<bool> done = false;
  std::thread shutdown([&a, &done] {
    a.driver.Shutdown();
    done = true;
  });
  while (!done) {
    a.Drain();
    std::this_thread::yield();
  }
  shutdown.join();
  EXPECT_EQ(a.leases.size(), 0u);
  EXPECT_TRUE(a.runner.running.empty());
  EXPECT_EQ(Stored(task).status, 1) << "the stored state stays";
  clock_.AdvanceMs(kPollMs);
  TickAll({&b});
  ASSERT_EQ(b.runner.started.size(), 1u);
}

TEST_P(RelayDriverClusterTest, ANodeTakesNoMoreThanItsCap) {
  Node& a = AddNode("a");
  Insert();
  Insert();
  Insert();
  RelayLeaseOptions options{"c", "", kLeaseMs, 2, 2 * kPollMs, [] { return int64_t{1}; }};
  metadata::LeaseRepository store(*db_, clock_);
  RelayLeases leases(store, clock_, options);
  auto taken = leases.Claim(*tasks_->ListStates());
  EXPECT_EQ(taken.size(), 2u);
  EXPECT_TRUE(leases.Claim(*tasks_->ListStates()).empty());
  a.driver.Start();  // a has no cap: the third
  a.Drain();
  EXPECT_EQ(a.runner.running.size(), 1u);
}

TEST_P(RelayDriverClusterTest, LeasesRenewedTogetherAndALostOneIsReported) {
  RelayLeaseOptions options{"n1", "", kLeaseMs, 0, 2 * kPollMs, [] { return int64_t{1}; }};
  metadata::LeaseRepository store(*db_, clock_);
  RelayLeases leases(store, clock_, options);
  RelayTask t1 = Insert();
  RelayTask t2 = Insert();
  ASSERT_EQ(leases.Claim(*tasks_->ListStates()).size(), 2u);
  clock_.AdvanceMs(kLeaseMs / 3);
  EXPECT_TRUE(leases.Renew().empty());
  EXPECT_EQ(store.Get(RelayLeaseKey(t1.account_id, t1.task_id))->value().expires_at_ms,
            clock_.NowMs() + kLeaseMs);
  clock_.AdvanceMs(kLeaseMs + 1);  // paused past the lease; another node takes t2
  ASSERT_TRUE(store.Acquire(RelayLeaseKey(t2.account_id, t2.task_id), "n2", kLeaseMs).has_value());
  EXPECT_EQ(leases.Renew(), std::vector<std::string>{t2.task_id});
  EXPECT_TRUE(leases.Holds(t1.task_id));
  EXPECT_FALSE(leases.Holds(t2.task_id));
}

LIVEREC_ON_BOTH_BACKENDS(RelayDriverClusterTest);

}  // namespace
}  // namespace liverec::relay
