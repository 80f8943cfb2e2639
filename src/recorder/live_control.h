// LiveControl: the recording task of one live publish and its state machine (docs/recording.md,
// "Manual recording and RealTimeRecordCommand"). A task is idle (nothing recorded), recording,
// or stopped (paused by `stop`: its files wait DelayTime). Commands and the stream's
// own events (a time window opening or closing, an on-demand "no") move it from state to state;
// each move queues effects that the stream's LiveRecording carries out, in order, on its I/O
// thread: start a task, stop it (its files wait DelayTime), close its files now.
// Thread-safety: any thread (API threads command, the I/O thread takes effects); one mutex,
// plus an atomic flag so the I/O thread's per-packet check costs one load.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "metadata/rows.h"

namespace liverec::recorder {

enum class RecordCommand { kStart, kStop, kCancelDelay, kRestart };
std::optional<RecordCommand> ParseRecordCommand(std::string_view text);
std::string_view RecordCommandName(RecordCommand command);

enum class TaskState { kIdle, kRecording, kStopped };
std::string_view TaskStateName(TaskState state);

enum class TaskEffectKind {
  kStart,          // start recording with `config` (through the on-demand gate if `on_demand`)
  kStop,           // end the running recording; its files wait DelayTime
  kCloseFilesNow,  // close the stream's open files (cycles) now instead of after DelayTime
};

struct TaskEffect {
  TaskEffectKind kind;
  std::optional<metadata::RecordConfig> config;  // kStart
  bool on_demand = false;                        // kStart: ask OnDemandUrl first
  uint64_t task = 0;                             // kStart: the task's number
  std::string reason;                            // for the log
};

// The pure state machine: the next state and the effects of `command` in `state`, or the error
// the API answers (TaskAlreadyStarted, InvalidTaskState).
struct Transition {
  TaskState next;
  std::vector<TaskEffectKind> effects;
};
Result<Transition> Transit(TaskState state, RecordCommand command);

class LiveControl {
 public:
  explicit LiveControl(std::string who) : who_(std::move(who)) {}

  // A command from the API. `config` is the record config that applies to the stream now; it is
  // needed (and its absence is InvalidConfig.NotFound) only by commands that start a task.
  Status Command(RecordCommand command, const std::optional<metadata::RecordConfig>& config);

  // The stream's own events (I/O thread).
  // Automatic recording starts (at publish, or its time window opens); ignored unless idle.
  void AutoStart(const metadata::RecordConfig& config, bool on_demand, std::string reason);
  // The time window closed: whatever records stops and its files close now.
  void WindowClosed();
  // The on-demand answer for task `task` was "do not record": idle again, unless a command has
  // replaced that task meanwhile.
  void Declined(uint64_t task);
  // The publisher left: no more commands (they answer InvalidStream.NotFound).
  void Ended();

  // The I/O thread's per-packet check and take.
  bool HasEffects() const { return pending_.load(std::memory_order_acquire); }
  std::vector<TaskEffect> TakeEffects();

  TaskState state() const;
  bool ended() const;
  const std::string& who() const { return who_; }

 private:
  void QueueLocked(TaskEffectKind kind, std::string reason,
                   const std::optional<metadata::RecordConfig>& config = std::nullopt,
                   bool on_demand = false);

  const std::string who_;
  mutable std::mutex mutex_;
  TaskState state_ = TaskState::kIdle;
  bool ended_ = false;
  uint64_t task_ = 0;  // the number of the latest started task
  std::deque<TaskEffect> effects_;
  std::atomic<bool> pending_{false};
};

}  // namespace liverec::recorder
