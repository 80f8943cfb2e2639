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
  Run([this] { return scheduler_.Tick(); });
}

void RelayDriver::TaskChanged(const RelayTask& task) {
  Run([this, task] { return scheduler_.Upsert(task); });
}

void RelayDriver::TaskDeleted(const RelayTask& task) {
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
    deps_.wake_at(scheduler_.NextWakeMs());
  });
}

void RelayDriver::Apply(SchedulerEffects effects, int depth) {
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
  for (const auto& event : effects.events) Notify(event);
}

void RelayDriver::Save(const RelayTask& task, int depth) {
  RelayTask row = task;
  row.updated_at_ms = deps_.clock.NowMs();
  Status saved = deps_.tasks.Update(row);
  if (saved.ok() || saved.code() == ErrorCode::kRelayTaskNotFound)
    return;  // deleted: Remove follows
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
  spdlog::info("relay: task {}: {} (status {}{}{})", event.task.task_id,
               event.kind == TaskEvent::Kind::kExited ? "exited" : "status changed",
               event.kind == TaskEvent::Kind::kExited ? -1 : event.task.status,
               event.task.invalid_reason.empty() ? "" : ", ", event.task.invalid_reason);
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
