#include "recorder/live_control.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace liverec::recorder {

std::optional<RecordCommand> ParseRecordCommand(std::string_view text) {
  if (text == "start") return RecordCommand::kStart;
  if (text == "stop") return RecordCommand::kStop;
  if (text == "cancel_delay") return RecordCommand::kCancelDelay;
  if (text == "restart") return RecordCommand::kRestart;
  return std::nullopt;
}

std::string_view RecordCommandName(RecordCommand command) {
  switch (command) {
    case RecordCommand::kStart:
      return "start";
    case RecordCommand::kStop:
      return "stop";
    case RecordCommand::kCancelDelay:
      return "cancel_delay";
    case RecordCommand::kRestart:
      return "restart";
  }
  return "?";
}

std::string_view TaskStateName(TaskState state) {
  switch (state) {
    case TaskState::kIdle:
      return "idle";
    case TaskState::kRecording:
      return "recording";
    case TaskState::kStopped:
      return "stopped";
  }
  return "?";
}

Result<Transition> Transit(TaskState state, RecordCommand command) {
  using K = TaskEffectKind;
  auto invalid = [&](std::string_view valid_in) -> Result<Transition> {
    return Error(ErrorCode::kInvalidTaskState, "",
                 fmt::format("{} is valid only {}; the recording is {}.",
                             RecordCommandName(command), valid_in, TaskStateName(state)));
  };
  switch (command) {
    case RecordCommand::kStart:
      if (state == TaskState::kRecording) return Error(ErrorCode::kTaskAlreadyStarted);
      return Transition{TaskState::kRecording, {K::kStart}};
    case RecordCommand::kStop:
      if (state != TaskState::kRecording) return invalid("while recording");
      return Transition{TaskState::kStopped, {K::kStop}};
    case RecordCommand::kCancelDelay:
      if (state != TaskState::kStopped) return invalid("after stop");
      return Transition{TaskState::kIdle, {K::kCloseFilesNow}};
    case RecordCommand::kRestart:
      if (state == TaskState::kRecording) {
        return Transition{TaskState::kRecording, {K::kStop, K::kCloseFilesNow, K::kStart}};
      }
      if (state == TaskState::kStopped) {
        return Transition{TaskState::kRecording, {K::kCloseFilesNow, K::kStart}};
      }
      return invalid("after start or stop");
  }
  return Error(ErrorCode::kInvalidCommandMalformed);
}

void LiveControl::QueueLocked(TaskEffectKind kind, std::string reason,
                              const std::optional<metadata::RecordConfig>& config, bool on_demand) {
  TaskEffect effect{kind, std::nullopt, on_demand, 0, std::move(reason)};
  if (kind == TaskEffectKind::kStart) {
    effect.config = config;
    effect.task = ++task_;
  }
  effects_.push_back(std::move(effect));
  pending_.store(true, std::memory_order_release);
}

Status LiveControl::Command(RecordCommand command,
                            const std::optional<metadata::RecordConfig>& config) {
  std::lock_guard lock(mutex_);
  if (ended_) return Status(ErrorCode::kLiveStreamNotFound);
  auto transition = Transit(state_, command);
  if (!transition) return transition.error();
  for (auto kind : transition->effects) {
    if (kind == TaskEffectKind::kStart && !config) {
      return Status(ErrorCode::kInvalidConfigNotFound, "",
                    "No record config applies to this stream.");
    }
  }
  std::string reason(RecordCommandName(command));
  for (auto kind : transition->effects) QueueLocked(kind, reason, config, false);
  spdlog::info("recorder: {}: RealTimeRecordCommand {}: {} -> {}", who_, reason,
               TaskStateName(state_), TaskStateName(transition->next));
  state_ = transition->next;
  return Status::Ok();
}

void LiveControl::AutoStart(const metadata::RecordConfig& config, bool on_demand,
                            std::string reason) {
  std::lock_guard lock(mutex_);
  if (ended_ || state_ != TaskState::kIdle) return;
  QueueLocked(TaskEffectKind::kStart, std::move(reason), config, on_demand);
  state_ = TaskState::kRecording;
}

void LiveControl::WindowClosed() {
  std::lock_guard lock(mutex_);
  if (ended_) return;
  if (state_ == TaskState::kRecording) QueueLocked(TaskEffectKind::kStop, "window closed");
  if (state_ != TaskState::kIdle) QueueLocked(TaskEffectKind::kCloseFilesNow, "window closed");
  state_ = TaskState::kIdle;
}

void LiveControl::Declined(uint64_t task) {
  std::lock_guard lock(mutex_);
  if (task == task_ && state_ == TaskState::kRecording) state_ = TaskState::kIdle;
}

void LiveControl::Ended() {
  std::lock_guard lock(mutex_);
  ended_ = true;
  state_ = TaskState::kIdle;
}

std::vector<TaskEffect> LiveControl::TakeEffects() {
  std::lock_guard lock(mutex_);
  std::vector<TaskEffect> taken(std::make_move_iterator(effects_.begin()),
                                std::make_move_iterator(effects_.end()));
  effects_.clear();
  pending_.store(false, std::memory_order_release);
  return taken;
}

TaskState LiveControl::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

bool LiveControl::ended() const {
  std::lock_guard lock(mutex_);
  return ended_;
}

}  // namespace liverec::recorder
