#include "relay/relay_driver.h"

#include <future>
#include <utility>

#include <spdlog/spdlog.h>

#include "relay/relay_callbacks.h"

namespace liverec::relay {
namespace {

// How many times a save that lost a race is merged and tried again within one decision; past
// it the scheduler's view stays in memory and the next save tries again.
constexpr int kMaxSaveRounds = 5;

}  // namespace

RelayDriver::RelayDriver(RelayDriverDependencies deps)
    : deps_(std::move(deps)), scheduler_(deps_.clock, deps_.options) {}

void RelayDriver::Start() {
  if (deps_.leases) {
    Run([this]() -> SchedulerEffects {
      spdlog::info("relay: cluster mode: tasks are held under leases ({} ms), polled every {} ms",
                   deps_.leases->options().lease_ms, deps_.poll_ms);
      ClusterPass();
      return {};
    });
    return;
  }
  Run([this]() -> SchedulerEffects {
    auto tasks = deps_.tasks.ListAll();
    if (!tasks) {
      spdlog::error("relay: cannot load the tasks: {}", tasks.error().ToString());
      return {};
    }
    spdlog::info("relay: {} tasks loaded", tasks->size());
    return scheduler_.Load(std::move(*tasks));
  });
}

void RelayDriver::Tick() {
  Run([this] {
    if (deps_.leases && deps_.clock.NowMs() >= next_poll_ms_) ClusterPass();
    return scheduler_.Tick();
  });
}

void RelayDriver::TaskChanged(const RelayTask& task) {
  if (deps_.leases) {
    Run([this, task] { return ClusterTaskChanged(task); });
    return;
  }
  Run([this, task] { return scheduler_.Upsert(task); });
}

void RelayDriver::TaskDeleted(const RelayTask& task) {
  if (deps_.leases) {
    Run([this, task] { return ClusterTaskDeleted(task); });
    return;
  }
  Run([this, id = task.task_id] { return scheduler_.Remove(id); });
}

void RelayDriver::Shutdown() {
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  deps_.post([this, done] {
    if (!shut_down_) {
      shut_down_ = true;
      // Stop the relays without changing the stored state: a restart resumes them.
      for (const auto& id : scheduler_.ActiveAttempts()) deps_.runner.Stop(id);
      // Cluster mode: other nodes take the tasks over at once (and resume them).
      if (deps_.leases) deps_.leases->ReleaseAll();
      deps_.wake_at(std::nullopt);
    }
    done->set_value();
  });
  finished.wait();
}

void RelayDriver::Run(std::function<SchedulerEffects()> decide) {
  deps_.post([this, decide = std::move(decide)] {
    if (shut_down_) return;
    Apply(decide(), 0);
    if (deps_.leases) ReleaseFinished();
    deps_.wake_at(NextWakeMs());
  });
}

std::optional<int64_t> RelayDriver::NextWakeMs() const {
  std::optional<int64_t> next = scheduler_.NextWakeMs();
  if (!deps_.leases) return next;
  return next ? std::min(*next, next_poll_ms_) : next_poll_ms_;
}

void RelayDriver::Apply(SchedulerEffects effects, int depth) {
  if (depth == 0) fenced_out_.clear();
  for (const auto& id : effects.stop) deps_.runner.Stop(id);
  for (const auto& job : effects.start) {
    spdlog::info("relay: task {} attempt {} starting", job.task_id, job.attempt);
    deps_.runner.Start(job, Reporter());
  }
  for (const auto& [id, repeats] : effects.set_repeats) {
    deps_.runner.SetRemainingRepeats(id, repeats);
  }
  for (const auto& task : effects.save) Save(task, depth);
  for (const auto& task : effects.remove) {
    Status removed = deps_.tasks.Delete(task.account_id, task.task_id);
    if (!removed.ok() && removed.code() != ErrorCode::kRelayTaskNotFound) {
      spdlog::warn("relay: task {}: cannot remove: {}", task.task_id, removed.ToString());
    }
  }
  for (const auto& event : effects.events) {
    if (!fenced_out_.count(event.task.task_id)) Notify(event);
  }
}

void RelayDriver::Save(const RelayTask& task, int depth) {
  RelayTask row = task;
  row.updated_at_ms = deps_.clock.NowMs();
  std::optional<metadata::Fence> fence;
  if (deps_.leases) fence = deps_.leases->FenceOf(task.task_id);
  Status saved = deps_.tasks.Update(row, fence ? &*fence : nullptr);
  if (saved.ok() || saved.code() == ErrorCode::kRelayTaskNotFound)
    return;  // deleted: Remove follows
  if (saved.code() == ErrorCode::kLeaseLost) {
    spdlog::warn("relay: task {}: not saved, another node holds it now: {}", task.task_id,
                 saved.ToString());
    fenced_out_.insert(task.task_id);
    Lost(task.task_id);
    return;
  }
  if (saved.code() != ErrorCode::kRelayTaskConflict || depth >= kMaxSaveRounds) {
    spdlog::warn("relay: task {}: cannot save its state: {}", task.task_id, saved.ToString());
    return;
  }
  // The API changed the task since the scheduler read it: merge the stored row and save again.
  auto stored = deps_.tasks.Find(task.account_id, task.task_id);
  if (!stored || !*stored) return;
  Apply(scheduler_.Upsert(**stored), depth + 1);
}

void RelayDriver::Notify(const TaskEvent& event) {
  if (event.kind == TaskEvent::Kind::kItemSwitched) {
    spdlog::info("relay: task {}: now playing file {} ({} more passes)", event.task.task_id,
                 event.task.current_file_index, event.task.remaining_repeats);
  } else {
    spdlog::info("relay: task {}: {} (status {}{}{})", event.task.task_id,
                 event.kind == TaskEvent::Kind::kExited ? "exited" : "status changed",
                 event.kind == TaskEvent::Kind::kExited ? -1 : event.task.status,
                 event.task.invalid_reason.empty() ? "" : ", ", event.task.invalid_reason);
  }
  if (!deps_.outbox) return;
  auto callback = RelayCallbackEvent(event);
  if (!callback) return;
  auto id = deps_.outbox->Enqueue(*callback);
  if (!id) {
    spdlog::warn("relay: task {}: cannot enqueue its callback: {}", event.task.task_id,
                 id.error().ToString());
  }
}

ReportFn RelayDriver::Reporter() {
  return [this](const RelayReport& report) {
    if (report.kind == RelayReport::Kind::kFailed) {
      spdlog::info("relay: task {} attempt {} failed: {}", report.task_id, report.attempt,
                   report.detail);
    }
    Run([this, report] { return scheduler_.OnReport(report); });
  };
}

}  // namespace liverec::relay
