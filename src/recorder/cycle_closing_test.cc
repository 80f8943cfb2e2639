// Closing cycles off the slices' path (docs/recording.md "Closing a cycle"): a cycle that reaches
// its CycleDuration is marked closing and its files are written by a task of the close executor,
// so the slice that rolled it over does not wait for them; a close in progress holds up neither
// another stream nor its own stream's next slices; a cycle is closed by one task at a time; and a
// crash leaves it closing, closed at once at the next start, never continued by a returning
// publisher. The close executor is a queue the test runs by hand, or a thread.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "recorder/m3u8_cycle_test_fixture.h"

namespace liverec::recorder {
namespace {

// Counts the files it is told about; while `hold` is set, FileCreated waits for Release().
class HoldingEvents final : public RecordingEvents {
 public:
  Status FileCreated(const CreatedFile&) override {
    std::unique_lock lock(mutex_);
    ++calls_;
    entered_.notify_all();
    released_.wait(lock, [&] { return !hold_; });
    return Status::Ok();
  }
  void Hold() {
    std::lock_guard lock(mutex_);
    hold_ = true;
  }
  void Release() {
    std::lock_guard lock(mutex_);
    hold_ = false;
    released_.notify_all();
  }
  // Waits (bounded) until FileCreated was called `n` times.
  bool WaitForCalls(int n) {
    std::unique_lock lock(mutex_);
    return entered_.wait_for(lock, std::chrono::seconds(10), [&] { return calls_ >= n; });
  }
  int calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable entered_;
  std::condition_variable released_;
  bool hold_ = false;
  int calls_ = 0;
};

class CycleClosingTest : public M3u8CycleTest {
 protected:
  void SetUp() override {
    M3u8CycleTest::SetUp();
    Restart(&events_);
  }
  void TearDown() override {
    events_.Release();
    for (auto& t : threads_) t.join();
    M3u8CycleTest::TearDown();
  }
  // Closes are queued here, run by RunQueued.
  void QueueCloses() {
    cycles_->SetCloseExecutor([this](std::function<void()> task) {
      std::lock_guard lock(queue_mutex_);
      queue_.push_back(std::move(task));
    });
  }
  size_t Queued() {
    std::lock_guard lock(queue_mutex_);
    return queue_.size();
  }
  void RunQueued() {
    std::vector<std::function<void()>> tasks;
    {
      std::lock_guard lock(queue_mutex_);
      tasks.swap(queue_);
    }
    for (auto& task : tasks) task();
  }
  // Closes run each on a thread of their own.
  void CloseOnThreads() {
    cycles_->SetCloseExecutor(
        [this](std::function<void()> task) { threads_.emplace_back(std::move(task)); });
  }
  // m3u8 with a CycleDuration of 3 s.
  RecordingPlan ShortPlan(const std::string& stream_id = "") {
    RecordingPlan plan = Plan();
    plan.cycle_duration_s = 3;
    plan.formats = {{"m3u8", plan.playlist_template, 3}};
    if (!stream_id.empty()) {
      plan.stream_id = stream_id;
      plan.stream = "s2";
    }
    return plan;
  }
  // Attaches a 1-second slice starting now to the plan's m3u8 cycle and indexes it; the cycle.
  metadata::RecordCycleRow Slice(const RecordingPlan& plan) {
    int64_t start = clock_.NowMs();
    auto cycle = cycles_->Attach(plan, "m3u8", start);
    EXPECT_TRUE(cycle.has_value()) << cycle.error().ToString();
    if (!cycle) return {};
    metadata::SliceRow s;
    s.account_id = account_;
    s.stream_id = plan.stream_id;
    s.start_ms = start;
    s.end_ms = start + 1000;
    s.duration_ms = 1000;
    s.endpoint = "local";
    s.bucket = "records";
    s.object_key = "rec/" + plan.stream + "/" + std::to_string(start) + ".ts";
    s.cycle_id = cycle->id;
    EXPECT_TRUE(recordings_->InsertSlice(s).ok());
    EXPECT_TRUE(recordings_->TouchCycle(account_, cycle->id, start, start + 1000, start).ok());
    clock_.AdvanceMs(1000);
    return *cycle;
  }

  HoldingEvents events_;
  std::mutex queue_mutex_;
  std::vector<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
};

TEST_F(CycleClosingTest, AFullCycleIsClosedByTheExecutorNotByTheSliceThatRolledItOver) {
  QueueCloses();
  RecordingPlan plan = ShortPlan();
  std::string first = Slice(plan).id;
  Slice(plan);
  Slice(plan);
  metadata::RecordCycleRow next = Slice(plan);  // 3 s after the first: a new cycle
  EXPECT_NE(next.id, first);
  EXPECT_EQ(Cycle(first).state, metadata::CycleState::kClosing);
  EXPECT_FALSE(Cycle(first).live);
  EXPECT_TRUE(Playlists().empty()) << "the slice did not wait for the playlist";
  ASSERT_EQ(Queued(), 1u);
  RunQueued();
  EXPECT_EQ(Cycle(first).state, metadata::CycleState::kClosed);
  EXPECT_EQ(Playlists(), std::vector<std::string>{"p/s1_0.m3u8"});
  EXPECT_EQ(Cycle(next.id).state, metadata::CycleState::kOpen);
  EXPECT_EQ(events_.calls(), 1);
}

TEST_F(CycleClosingTest, ACloseInProgressHoldsUpNoStreamNorItsOwnNextSlices) {
  CloseOnThreads();
  RecordingPlan a = ShortPlan();
  std::string other_stream = recordings_->EnsureStream(account_, "a.com", "live", "s2")->id;
  RecordingPlan b = ShortPlan(other_stream);
  Slice(b);
  std::string first = Slice(a).id;
  Slice(a);
  Slice(a);
  events_.Hold();  // the close of `a`'s first cycle stops in its file_created
  std::string second = Slice(a).id;
  ASSERT_TRUE(events_.WaitForCalls(1));
  // Meanwhile both streams go on: each Attach returns while that close waits.
  auto more = std::async(std::launch::async, [&] {
    metadata::RecordCycleRow next_a = Slice(a);
    metadata::RecordCycleRow next_b = Slice(b);
    return std::make_pair(next_a.id, next_b.id);
  });
  ASSERT_EQ(more.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "an Attach waited for another cycle's close";
  auto [next_a, next_b] = more.get();
  EXPECT_EQ(next_a, second);
  EXPECT_FALSE(next_b.empty());
  EXPECT_EQ(Cycle(first).state, metadata::CycleState::kClosing);
  events_.Release();
  for (auto& t : threads_) t.join();
  threads_.clear();
  EXPECT_EQ(Cycle(first).state, metadata::CycleState::kClosed);
}

TEST_F(CycleClosingTest, ACycleBeingClosedIsClosedByThatTaskAlone) {
  CloseOnThreads();
  RecordingPlan plan = ShortPlan();
  std::string first = Slice(plan).id;
  Slice(plan);
  Slice(plan);
  events_.Hold();
  Slice(plan);  // rolls over: a task closes `first` and waits in its file_created
  ASSERT_TRUE(events_.WaitForCalls(1));
  // The periodic pass and a command find it closing: neither waits for it nor closes it again.
  clock_.AdvanceMs(60'000);
  EXPECT_TRUE(cycles_->CloseExpired().ok());
  auto now =
      std::async(std::launch::async, [&] { return cycles_->CloseStreamNow(account_, stream_id_); });
  ASSERT_EQ(now.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(now.get().ok());
  EXPECT_EQ(threads_.size(), 2u) << "one close task per cycle: the first and the stream's next";
  events_.Release();
  for (auto& t : threads_) t.join();
  threads_.clear();
  EXPECT_EQ(Cycle(first).state, metadata::CycleState::kClosed);
  EXPECT_EQ(events_.calls(), 2) << "each cycle's playlist announced once";
  EXPECT_EQ(Playlists().size(), 2u);
}

TEST_F(CycleClosingTest, ACrashLeavesTheCycleClosingAndTheNextStartClosesItAtOnce) {
  QueueCloses();
  RecordingPlan plan = ShortPlan();
  std::string first = Slice(plan).id;
  Slice(plan);
  Slice(plan);
  std::string second = Slice(plan).id;
  ASSERT_TRUE(cycles_->Detach(account_, second).ok());
  // The process dies with the close queued (the queue goes with it); a new one starts 500 ms
  // later (within DelayTime).
  {
    std::lock_guard lock(queue_mutex_);
    queue_.clear();
  }
  clock_.AdvanceMs(500);
  Restart(&events_);
  EXPECT_EQ(Cycle(first).state, metadata::CycleState::kClosing);
  ASSERT_TRUE(cycles_->CloseExpired().ok());
  EXPECT_EQ(Cycle(first).state, metadata::CycleState::kClosed) << "closing: due at once";
  EXPECT_EQ(Cycle(second).state, metadata::CycleState::kOpen) << "within its DelayTime";
  EXPECT_EQ(Playlists(), std::vector<std::string>{"p/s1_0.m3u8"});
  // The publisher returns: it continues the open cycle, never the one that was closing.
  auto claimed = cycles_->BeginPublish(plan, clock_.NowMs());
  ASSERT_TRUE(claimed.has_value()) << claimed.error().ToString();
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().id, second);
}

TEST_F(CycleClosingTest, CloseStreamNowMarksTheCyclesSoTheNextPublishStartsNewFiles) {
  QueueCloses();
  RecordingPlan plan = ShortPlan();
  std::string first = Slice(plan).id;
  ASSERT_TRUE(cycles_->Detach(account_, first).ok());
  ASSERT_TRUE(cycles_->CloseStreamNow(account_, stream_id_).ok());
  EXPECT_EQ(Cycle(first).state, metadata::CycleState::kClosing);
  // A publish right after the command, before the close task ran: new files.
  auto claimed = cycles_->BeginPublish(plan, clock_.NowMs());
  ASSERT_TRUE(claimed.has_value()) << claimed.error().ToString();
  EXPECT_TRUE(claimed->empty());
  EXPECT_NE(Slice(plan).id, first);
  RunQueued();
  EXPECT_EQ(Cycle(first).state, metadata::CycleState::kClosed);
}

}  // namespace
}  // namespace liverec::recorder
