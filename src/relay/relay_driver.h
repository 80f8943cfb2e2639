// RelayDriver: runs the pure RelayScheduler (relay_scheduler.h) for the server. Everything the
// scheduler hears — the stored tasks at start, the API's changes (RelayTaskListener), the
// runner's reports, the passing of time — is handed to one serial executor, and the effects the
// scheduler answers are carried out there, in its order:
//   stop / start / change repeats   RelayRunner (returns at once; media moves on its threads)
//   save                            RelayTaskRepository::Update, compare-and-set: when another
//                                   writer (the API) came first, the row is read again and
//                                   merged (RelayScheduler::Upsert), then saved again
//   remove                          RelayTaskRepository::Delete (exited-task retention over)
//   events                          relay callbacks into the durable outbox (relay_callbacks.h)
// and then the next wake-up is asked for (the scheduler's NextWakeMs).
//
// The server provides the executor (`post`: a strand of its worker pool; database and outbox
// writes happen there, never on an I/O thread) and the timer (`wake_at`: called on the executor
// with the time of the next Tick, or nullopt for none; the server calls Tick when it fires).
//
// Cluster mode (`leases` set; docs/cluster.md "Relay tasks"): the scheduler knows only the tasks
// this node holds under a lease (RelayLeases). Every poll_ms the driver reads every task's state
// (one query): a held task the user changed through any node (its revision moved) or deleted
// reaches the scheduler; free tasks are claimed by the spread rule (relay_claims.h) and adopted
// (a running one resumes at its saved position); a task that exited is released. Every
// lease / 3 the leases are renewed (one statement); a lost one stops its relay without writing.
// Every save of a held task is fenced by its lease, and the callbacks of a save found fenced out
// are dropped, so only the holder sends them. A change made through this node's API reaches the
// scheduler at once when this node holds the task, and starts a claim pass when it does not.
// Shutdown releases the leases, so that other nodes resume the tasks at once.
//
// Thread-safety: Start, Tick, TaskChanged, TaskDeleted and the runner's reports may come from any
// thread; they only post. Shutdown blocks until the executor has run it; after it, nothing is
// started again and reports are ignored. The owner destroys the runner (which joins its
// threads) after Shutdown and keeps the driver alive until the executor is drained.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "base/clock.h"
#include "callbacks/outbox.h"
#include "metadata/relay_task_repository.h"
#include "relay/relay_leases.h"
#include "relay/relay_runner.h"
#include "relay/relay_scheduler.h"
#include "relay/relay_task_listener.h"

namespace liverec::relay {

using SerialPost = std::function<void(std::function<void()>)>;
using WakeAt = std::function<void(std::optional<int64_t> at_ms)>;

struct RelayDriverDependencies {
  metadata::RelayTaskRepository& tasks;
  RelayRunner& runner;
  callbacks::Outbox* outbox = nullptr;  // null: no callbacks
  const Clock& clock;
  SchedulerOptions options;
  SerialPost post;
  WakeAt wake_at;
  RelayLeases* leases = nullptr;  // cluster mode when set
  int64_t poll_ms = 1000;         // cluster mode: how often tasks' states are read
};

class RelayDriver final : public RelayTaskListener {
 public:
  explicit RelayDriver(RelayDriverDependencies deps);

  // Loads every stored task (a restart resumes what was running) and decides.
  void Start();
  // The time asked for through wake_at has come.
  void Tick();
  // Stops every relay; blocks until done on the executor. Idempotent.
  void Shutdown();

  void TaskChanged(const RelayTask& task) override;
  void TaskDeleted(const RelayTask& task) override;

 private:
  void Run(std::function<SchedulerEffects()> decide);  // on the executor
  void Apply(SchedulerEffects effects, int depth);
  void Save(const RelayTask& task, int depth);
  std::optional<int64_t> NextWakeMs() const;
  // Cluster mode (relay_driver_cluster.cc), on the executor.
  void ClusterPass();
  void RenewLeases();
  void FollowHeldTasks(const std::vector<metadata::RelayTaskState>& states);
  void ClaimFreeTasks(const std::vector<metadata::RelayTaskState>& states);
  void ReleaseFinished();
  void Adopt(const std::string& account_id, const std::string& task_id);
  void Lost(const std::string& task_id);
  SchedulerEffects ClusterTaskChanged(const RelayTask& task);
  SchedulerEffects ClusterTaskDeleted(const RelayTask& task);
  void Notify(const TaskEvent& event);
  ReportFn Reporter();

  RelayDriverDependencies deps_;
  RelayScheduler scheduler_;
  bool shut_down_ = false;  // executor only
  // Cluster mode, executor only: when the next poll and renewal are due, and the tasks whose
  // save was fenced out in the current Apply (their callbacks are not sent).
  int64_t next_poll_ms_ = 0;
  int64_t next_renew_ms_ = 0;
  std::set<std::string> fenced_out_;
};

}  // namespace liverec::relay
