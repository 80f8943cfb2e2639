#include "recorder/live_controls.h"

#include <algorithm>

#include "recorder/rule_matcher.h"

namespace liverec::recorder {

std::string LiveControls::Key(const std::string& account_id, const std::string& domain,
                              const std::string& app, const std::string& stream) {
  return account_id + "|" + domain + "/" + app + "/" + stream;
}

void LiveControls::Register(const std::string& key, std::shared_ptr<LiveControl> control) {
  std::lock_guard lock(mutex_);
  controls_[key] = std::move(control);
}

void LiveControls::Unregister(const std::string& key, const LiveControl* control) {
  std::lock_guard lock(mutex_);
  auto it = controls_.find(key);
  if (it != controls_.end() && it->second.get() == control) controls_.erase(it);
}

size_t LiveControls::CountRecording() const {
  std::vector<std::shared_ptr<LiveControl>> controls;
  {
    std::lock_guard lock(mutex_);
    controls.reserve(controls_.size());
    for (const auto& [key, control] : controls_) controls.push_back(control);
  }
  // Each control's own lock, outside ours.
  return std::count_if(controls.begin(), controls.end(), [](const auto& control) {
    return control->state() == TaskState::kRecording;
  });
}

std::optional<TaskState> LiveControls::StateOf(const std::string& account_id,
                                               const std::string& domain, const std::string& app,
                                               const std::string& stream) const {
  std::shared_ptr<LiveControl> control;
  {
    std::lock_guard lock(mutex_);
    auto it = controls_.find(Key(account_id, domain, app, stream));
    if (it != controls_.end()) control = it->second;
  }
  // The control's own lock, outside ours.
  if (!control || control->ended()) return std::nullopt;
  return control->state();
}

std::shared_ptr<LiveControl> LiveControls::FindForTest(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = controls_.find(key);
  return it == controls_.end() ? nullptr : it->second;
}

Status LiveControls::Command(const std::string& account_id, const std::string& domain,
                             const std::string& app, const std::string& stream,
                             RecordCommand command) {
  std::shared_ptr<LiveControl> control;
  {
    std::lock_guard lock(mutex_);
    auto it = controls_.find(Key(account_id, domain, app, stream));
    if (it != controls_.end()) control = it->second;
  }
  if (!control || control->ended()) return Status(ErrorCode::kLiveStreamNotFound);
  // A started recording follows the config in force now (its time window does not matter: the
  // command is explicit).
  std::optional<metadata::RecordConfig> config;
  if (command == RecordCommand::kStart || command == RecordCommand::kRestart) {
    auto configs = configs_.ListForDomain(account_id, domain);
    if (!configs) return configs.error();
    MatchResult match = MatchRecordConfig(*configs, app, stream, clock_.NowMs());
    if (match.config && !match.config->formats.empty()) config = *match.config;
  }
  return control->Command(command, config);
}

}  // namespace liverec::recorder
